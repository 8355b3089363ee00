import type { GradingScheme, LatePolicy } from "./schemes";

const DAY_MS = 24 * 3600 * 1000;

/** Rounds to 2 decimals, half away from zero, without 1.005 -> 1.00 surprises from binary floats. */
export function roundPoints(value: number): number {
  if (!Number.isFinite(value)) return 0;
  const scaled = value * 100;
  return Math.round(scaled + (scaled >= 0 ? 1e-7 : -1e-7)) / 100 + 0;
}

/**
 * Points for a score under a scheme.
 * - thresholds: the points of the highest threshold whose minScore the score reaches (>=); 0 below all.
 * - linear: 0 at or below the baseline, maxPoints at or above the target, linear between, 2 decimals.
 */
export function pointsForScore(scheme: GradingScheme, score: number): number {
  if (!Number.isFinite(score)) return 0;
  if (scheme.kind === "thresholds") {
    let best: { minScore: number; points: number } | null = null;
    for (const threshold of scheme.thresholds) {
      if (score >= threshold.minScore && (best === null || threshold.minScore > best.minScore)) best = threshold;
    }
    return best ? roundPoints(best.points) : 0;
  }
  if (score <= scheme.baseline) return 0;
  if (score >= scheme.target) return roundPoints(scheme.maxPoints);
  return roundPoints((scheme.maxPoints * (score - scheme.baseline)) / (scheme.target - scheme.baseline));
}

/** Started days after the deadline: 1 second late is 1 day late; on time (or early) is 0. */
export function lateDays(submittedAt: Date, closesAt: Date): number {
  const late = submittedAt.getTime() - closesAt.getTime();
  return late > 0 ? Math.ceil(late / DAY_MS) : 0;
}

/**
 * The fraction of points a submission `days` late keeps.
 * - none: late work is not accepted, so it keeps nothing (the site refuses it anyway).
 * - penalty: 1 - perDayFraction x days, never below 0, and 0 once more than maxDays late.
 */
export function lateFactor(policy: LatePolicy, days: number): number {
  if (days <= 0) return 1;
  if (policy.kind === "none") return 0;
  if (days > policy.maxDays) return 0;
  return Math.max(0, 1 - policy.perDayFraction * days);
}
