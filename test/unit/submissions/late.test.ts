import { describe, expect, it } from "vitest";
import { deadlineFor, lateDecision, lateLabel, latePeriodSteps } from "@/lib/submissions/late";

const CLOSES = new Date("2026-03-15T00:00:00Z");
const DAY = 24 * 3600 * 1000;
const at = (days: number) => new Date(CLOSES.getTime() + days * DAY);
const penalty = { closesAt: CLOSES, latePolicy: { kind: "penalty", perDayFraction: 0.15, maxDays: 3 } };

describe("the late-work rule", () => {
  it("is on time before the deadline, late by started days within the late period, closed after it", () => {
    const deadline = deadlineFor(penalty);
    expect(deadline.lateUntil).toEqual(at(3));
    expect(lateDecision(deadline, at(-0.001))).toEqual({ status: "on-time", days: 0, penalty: 0 });
    expect(lateDecision(deadline, CLOSES)).toEqual({ status: "late", days: 1, penalty: 0.15 });
    expect(lateDecision(deadline, at(1))).toEqual({ status: "late", days: 1, penalty: 0.15 });
    expect(lateDecision(deadline, new Date(at(1).getTime() + 1))).toEqual({ status: "late", days: 2, penalty: 0.3 });
    expect(lateDecision(deadline, at(2.5))).toEqual({ status: "late", days: 3, penalty: 0.45 });
    expect(lateDecision(deadline, at(3)).status).toBe("closed");
    expect(latePeriodSteps(deadline)).toEqual([
      { until: at(1), penalty: 0.15 },
      { until: at(2), penalty: 0.3 },
      { until: at(3), penalty: 0.45 },
    ]);
    expect(lateLabel(0.15)).toBe("late (-15%)");
  });

  it("refuses everything after the deadline without a penalty policy, an empty or a broken one", () => {
    for (const latePolicy of [{ kind: "none" }, {}, { kind: "penalty", perDayFraction: 7 }]) {
      const deadline = deadlineFor({ closesAt: CLOSES, latePolicy });
      expect(deadline.lateUntil).toBeNull();
      expect(lateDecision(deadline, at(0.01)).status).toBe("closed");
      expect(latePeriodSteps(deadline)).toEqual([]);
    }
  });

  it("moves the deadline to the latest extension past the close, and the late period after it", () => {
    const deadline = deadlineFor(penalty, [{ closesAt: at(-1), reason: "early" }, { closesAt: at(2), reason: "team", teamId: "t1" }, { closesAt: at(1), reason: "own" }, null]);
    expect(deadline).toMatchObject({ closesAt: at(2), extension: { closesAt: at(2), reason: "team", forTeam: true }, lateUntil: at(5) });
    expect(lateDecision(deadline, at(1.9)).status).toBe("on-time");
    expect(lateDecision(deadline, at(2.5))).toMatchObject({ status: "late", penalty: 0.15 });
    // An "extension" before the close changes nothing.
    expect(deadlineFor(penalty, [{ closesAt: at(-1), reason: "" }]).extension).toBeNull();
  });
});
