import { describe, expect, it } from "vitest";
import { lateDays, lateFactor, pointsForScore, roundPoints } from "@/lib/grading/points";
import { gradingSchemeSchema, latePolicySchema, type GradingScheme, type LatePolicy } from "@/lib/grading/schemes";

const linear: GradingScheme = { kind: "linear", baseline: 0.9, target: 0.99, maxPoints: 100 };
const thresholds: GradingScheme = {
  kind: "thresholds",
  thresholds: [
    { minScore: 0.95, points: 8 },
    { minScore: 0.9, points: 5 },
    { minScore: 0.98, points: 10 },
  ],
};

describe("linear scheme", () => {
  it("gives 0 at or below the baseline and maxPoints at or above the target", () => {
    expect(pointsForScore(linear, 0)).toBe(0);
    expect(pointsForScore(linear, 0.9)).toBe(0);
    expect(pointsForScore(linear, 0.99)).toBe(100);
    expect(pointsForScore(linear, 1)).toBe(100);
  });

  it("is linear in between, rounded to 2 decimals", () => {
    expect(pointsForScore(linear, 0.945)).toBe(50);
    expect(pointsForScore(linear, 0.93)).toBe(33.33);
    expect(pointsForScore(linear, 0.96)).toBe(66.67);
    expect(pointsForScore(linear, 0.9000001)).toBe(0);
    expect(pointsForScore({ kind: "linear", baseline: 0, target: 1, maxPoints: 10 }, 0.1005)).toBe(1.01);
  });

  it("gives 0 for a score that is not a number", () => {
    expect(pointsForScore(linear, Number.NaN)).toBe(0);
  });
});

describe("thresholds scheme", () => {
  it("gives the points of the highest threshold reached, in any order, 0 below all", () => {
    expect(pointsForScore(thresholds, 0.89999)).toBe(0);
    expect(pointsForScore(thresholds, 0.9)).toBe(5);
    expect(pointsForScore(thresholds, 0.9499)).toBe(5);
    expect(pointsForScore(thresholds, 0.95)).toBe(8);
    expect(pointsForScore(thresholds, 0.98)).toBe(10);
    expect(pointsForScore(thresholds, 1)).toBe(10);
  });
});

describe("rounding", () => {
  it("rounds half away from zero despite binary floats", () => {
    expect(roundPoints(1.005)).toBe(1.01);
    expect(roundPoints(2.675)).toBe(2.68);
    expect(roundPoints(33.333333)).toBe(33.33);
    expect(roundPoints(-0.001)).toBe(0);
    expect(Object.is(roundPoints(-0.001), -0)).toBe(false);
  });
});

describe("late policy", () => {
  const closesAt = new Date("2026-03-15T00:00:00Z");
  const penalty: LatePolicy = { kind: "penalty", perDayFraction: 0.1, maxDays: 3 };

  it("counts started days after the close", () => {
    expect(lateDays(new Date("2026-03-14T23:59:59Z"), closesAt)).toBe(0);
    expect(lateDays(closesAt, closesAt)).toBe(0);
    expect(lateDays(new Date("2026-03-15T00:00:01Z"), closesAt)).toBe(1);
    expect(lateDays(new Date("2026-03-16T00:00:00Z"), closesAt)).toBe(1);
    expect(lateDays(new Date("2026-03-16T00:00:01Z"), closesAt)).toBe(2);
  });

  it("takes perDayFraction per started day and everything after maxDays", () => {
    const points = (base: number, days: number) => roundPoints(base * lateFactor(penalty, days));
    expect(points(80, 0)).toBe(80);
    expect(points(80, 1)).toBe(72);
    expect(points(80, 3)).toBe(56);
    expect(points(80, 4)).toBe(0);
    expect(points(33.33, 2)).toBe(26.66);
    expect(lateFactor({ kind: "penalty", perDayFraction: 0.5, maxDays: 5 }, 3)).toBe(0);
  });

  it("gives late work nothing under the none policy", () => {
    expect(lateFactor({ kind: "none" }, 0)).toBe(1);
    expect(lateFactor({ kind: "none" }, 1)).toBe(0);
  });
});

describe("scheme validation", () => {
  const message = (value: unknown, schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: Array<{ message: string }> } } } = gradingSchemeSchema) =>
    schema.safeParse(value).error?.issues[0]?.message;

  it("accepts both schemes", () => {
    expect(gradingSchemeSchema.parse(linear)).toEqual(linear);
    expect(gradingSchemeSchema.parse(thresholds)).toEqual(thresholds);
  });

  it("explains what is wrong", () => {
    expect(message({ kind: "linear", baseline: 0.9, target: 0.9, maxPoints: 10 })).toMatch(/target score must be higher than the baseline/);
    expect(message({ kind: "linear", baseline: 0.5, target: 0.9, maxPoints: 0 })).toBe("Maximum points must be more than 0.");
    expect(message({ kind: "thresholds", thresholds: [] })).toMatch(/at least one threshold/);
    expect(message({ kind: "thresholds", thresholds: [{ minScore: 0.9, points: 5 }, { minScore: 0.9, points: 6 }] })).toMatch(/same minimum score 0.9/);
    expect(message({ kind: "thresholds", thresholds: [{ minScore: 0.9, points: 5 }, { minScore: 0.95, points: 4 }] })).toMatch(/higher score must not earn fewer points/);
    expect(message({ kind: "curve" })).toMatch(/Choose a grading scheme/);
    expect(message({ kind: "penalty", perDayFraction: 0, maxDays: 2 }, latePolicySchema)).toMatch(/more than 0/);
    expect(message({ kind: "penalty", perDayFraction: 0.1, maxDays: 1.5 }, latePolicySchema)).toMatch(/whole number from 1 to 365/);
  });

  it("reads the older { perDay } spelling of the late penalty", () => {
    expect(latePolicySchema.parse({ kind: "penalty", perDay: 0.2, maxDays: 2 })).toEqual({ kind: "penalty", perDayFraction: 0.2, maxDays: 2 });
  });
});
