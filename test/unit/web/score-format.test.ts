import { describe, expect, it } from "vitest";
import { formatPercentTick, formatScore, SCORE_DECIMALS } from "@/web/view/format";

describe("formatScore: one format for every score (leaderboards, reports, the competition page)", () => {
  it("shows SCORE_DECIMALS decimals of a percent", () => {
    expect(SCORE_DECIMALS).toBe(3);
    expect(formatScore(0.97234)).toBe("97.234 %");
    expect(formatScore(0.9)).toBe("90.000 %");
    expect(formatScore(1)).toBe("100.000 %");
    expect(formatScore(0.123456)).toBe("12.346 %");
  });

  it("shows a dash for no score", () => {
    expect(formatScore(null)).toBe("–");
    expect(formatScore(undefined)).toBe("–");
    expect(formatScore(Number.NaN)).toBe("–");
  });
});

describe("formatPercentTick: accuracy axis labels short enough to fit the axis", () => {
  it("drops the decimals of whole percents and keeps one otherwise", () => {
    expect(formatPercentTick(0.98)).toBe("98%");
    expect(formatPercentTick(0.975)).toBe("97.5%");
    expect(formatPercentTick(1)).toBe("100%");
    expect(formatPercentTick(0)).toBe("0%");
    // Floating-point noise from tick arithmetic does not show.
    expect(formatPercentTick(0.1 + 0.2)).toBe("30%");
    expect(formatPercentTick(Number.NaN)).toBe("");
  });

  it("is never longer than 6 characters for a score", () => {
    for (let i = 0; i <= 1000; i++) expect(formatPercentTick(i / 1000).length).toBeLessThanOrEqual(6);
  });
});
