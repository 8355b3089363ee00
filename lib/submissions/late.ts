import type { Competition } from "@/lib/db";
import { lateDays, lateFactor } from "@/lib/grading/points";
import { latePolicyOf, type LatePolicy } from "@/lib/grading/schemes";

const DAY_MS = 24 * 3600 * 1000;

/**
 * When an upload is on time, late (and at what penalty) or refused, for one submitter: the one
 * place of the late-work rule. The submitter's deadline is the competition's close, or their own
 * (or their team's) extension when that is later. After it, a "penalty" policy accepts uploads
 * for maxDays more days, each started day costing perDayFraction of the points; the penalty is
 * fixed at upload (Submission.latePenalty) and applied in the grades.
 */
export interface Deadline {
  /** The submitter's deadline: the close, or their extension's end when later. */
  closesAt: Date;
  /** Set when an extension moves the deadline past the close. */
  extension: { closesAt: Date; reason: string; forTeam: boolean } | null;
  policy: LatePolicy;
  /** The end of the late period (null: no late uploads). */
  lateUntil: Date | null;
}

export interface LateDecision {
  /** "on-time": before the deadline; "late": within the late period; "closed": after both. */
  status: "on-time" | "late" | "closed";
  /** Started days after the deadline (0 on time). */
  days: number;
  /** Fraction of the points taken off (0 on time). */
  penalty: number;
}

export type ExtensionLike = { closesAt: Date; reason: string; teamId?: string | null } | null | undefined;

export function deadlineFor(competition: Pick<Competition, "closesAt" | "latePolicy">, extensions: ExtensionLike[] = []): Deadline {
  const policy = latePolicyOf(competition);
  let extension: Deadline["extension"] = null;
  for (const candidate of extensions) {
    if (candidate && candidate.closesAt > competition.closesAt && (!extension || candidate.closesAt > extension.closesAt)) {
      extension = { closesAt: candidate.closesAt, reason: candidate.reason, forTeam: !!candidate.teamId };
    }
  }
  const closesAt = extension?.closesAt ?? competition.closesAt;
  const lateUntil = policy.kind === "penalty" ? new Date(closesAt.getTime() + policy.maxDays * DAY_MS) : null;
  return { closesAt, extension, policy, lateUntil };
}

export function lateDecision(deadline: Deadline, now: Date): LateDecision {
  if (now < deadline.closesAt) return { status: "on-time", days: 0, penalty: 0 };
  if (!deadline.lateUntil || now >= deadline.lateUntil) return { status: "closed", days: lateDays(now, deadline.closesAt), penalty: 1 };
  // At the deadline itself is the first started day.
  const days = Math.max(1, lateDays(now, deadline.closesAt));
  return { status: "late", days, penalty: roundFraction(1 - lateFactor(deadline.policy, days)) };
}

/** 0.30000000000000004 -> 0.3: penalties are stored and shown as plain fractions. */
function roundFraction(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** "late (-20%)", the label the report and the leaderboard show. */
export function lateLabel(penalty: number | null | undefined): string {
  return `late (-${Math.round((penalty ?? 0) * 1000) / 10}%)`;
}

/** The late period day by day (for the overview page): until when each started day lasts and its penalty. */
export function latePeriodSteps(deadline: Deadline): Array<{ until: Date; penalty: number }> {
  if (deadline.policy.kind !== "penalty") return [];
  const steps = [];
  for (let day = 1; day <= deadline.policy.maxDays; day++) {
    steps.push({ until: new Date(deadline.closesAt.getTime() + day * DAY_MS), penalty: roundFraction(1 - lateFactor(deadline.policy, day)) });
  }
  return steps;
}

/**
 * When the private split's results (private board, private scores and metrics, the shake-up) are
 * revealed to students: the one place of that rule. Not at the close while anyone may still upload,
 * as private feedback then would leak the hidden split to whoever has time left. So: the latest
 * deadline anyone has (the close, or the latest extension's end), plus the late period when the
 * late policy accepts late uploads (it starts at each submitter's own deadline). Staff see private
 * results at any time (lib/courses/permissions "see"); final selections still lock at the close.
 */
export function privateRevealAt(competition: Pick<Competition, "closesAt" | "latePolicy">, extensions: Array<{ closesAt: Date } | null | undefined> = []): Date {
  let latest = competition.closesAt;
  for (const extension of extensions) {
    if (extension && extension.closesAt > latest) latest = extension.closesAt;
  }
  const policy = latePolicyOf(competition);
  return policy.kind === "penalty" ? new Date(latest.getTime() + policy.maxDays * DAY_MS) : latest;
}

/** Whether students may see private results now (see privateRevealAt). */
export function privateRevealed(competition: Pick<Competition, "closesAt" | "latePolicy">, extensions: Array<{ closesAt: Date } | null | undefined> = [], now = new Date()): boolean {
  return now >= privateRevealAt(competition, extensions);
}
