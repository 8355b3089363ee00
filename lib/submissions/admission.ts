import { AppError } from "@/lib/errors";
import type { Competition, Prisma, PrismaClient, SubmissionKind } from "@/lib/db";
import { competitionPhase } from "@/lib/competitions/access";
import { resourceLimitsOf } from "@/lib/competitions/schema";
import { env } from "@/lib/env";
import { submissionUploadLimits } from "@/lib/uploads/submission-upload";
import type { UploadLimits } from "@/lib/uploads/multipart";
import { countsTowardLimitWhere, nextUtcDay } from "./daily-limit";
import { deadlineFor, lateDecision, type Deadline, type LateDecision } from "./late";

/**
 * Who may submit, when, how often and how much: the one place these rules and their messages
 * live. The API route asks before reading the body (a refused upload costs no bandwidth),
 * createSubmission asks again inside its transaction under the per-entrant advisory lock (two
 * uploads racing for the last slot of the day), and the submit page shows the same refusal.
 * A student in a team submits for the team: one daily count, and the upload carries the team's
 * id. After the close, the late policy and extensions (./late.ts) decide: on time before the
 * submitter's own deadline, late with a penalty fixed at upload, or refused.
 */

export type RefusalReason = "upcoming" | "closed" | "daily-limit";

export interface Refusal {
  reason: RefusalReason;
  code: "FORBIDDEN" | "RATE_LIMITED";
  message: string;
  /** For "daily-limit": seconds until the count resets (the API's Retry-After). */
  retryAfterSeconds?: number;
}

export interface Admission {
  phase: "upcoming" | "open" | "closed";
  /** Instructors (baselines) have no phase or daily limit. */
  exempt: boolean;
  dailyLimit: number;
  /** Today's submissions that count against the limit (cancelled ones and platform failures do not). */
  used: number;
  left: number;
  /** When the daily count starts again (00:00 UTC). */
  resetsAt: Date;
  /** All files of one upload together: the server's HOLDOUT_MAX_UPLOAD_MB lowered by the competition's limit. */
  maxUploadBytes: number;
  uploadLimits: UploadLimits;
  allowedKinds: SubmissionKind[];
  /** The team the user submits for (null: on their own). */
  teamId: string | null;
  /** The submitter's deadline (the close, or their own or their team's later extension) and the late period after it. */
  deadline: Deadline;
  /** What an upload now would be: on time, late (with its penalty) or refused. */
  late: LateDecision;
  /** Null: this user may submit now. */
  refusal: Refusal | null;
}

type AdmissionCompetition = Pick<Competition, "id" | "opensAt" | "closesAt" | "dailyLimit" | "allowedKinds" | "resourceLimits" | "latePolicy">;
type Counter = Pick<Prisma.TransactionClient | PrismaClient, "submission" | "teamMember" | "extension">;

/** Facts about the submitter that the decision needs, read from the database once. */
export interface SubmitterFacts {
  used: number;
  teamId: string | null;
  extensions: Array<{ closesAt: Date; reason: string; teamId: string | null }>;
}

/** The messages a refused submitter sees, through the API, the CLI and on the page. */
export const admissionMessages = {
  upcoming: (opensAt: Date) => `This competition opens at ${opensAt.toISOString()}. Submit after that.`,
  closed: (closesAt: Date) => `This competition closed at ${closesAt.toISOString()}; it takes no more submissions.`,
  extensionOver: (closesAt: Date) => `Your extension ended at ${closesAt.toISOString()}; this competition takes no more submissions from you.`,
  lateOver: (closesAt: Date, lateUntil: Date) => `Your deadline was ${closesAt.toISOString()} and late uploads were accepted until ${lateUntil.toISOString()}; this competition takes no more submissions from you.`,
  dailyLimit: (dailyLimit: number, resetsAt: Date) => `You have used all ${dailyLimit} submissions for today. Your next one is possible after ${resetsAt.toISOString()} (00:00 UTC).`,
  kind: (allowedKinds: readonly SubmissionKind[]) => `This competition takes ${allowedKinds.map((k) => (k === "WEIGHTS" ? "trained models" : "definitions")).join(" and ")} only.`,
};

/**
 * May this user submit to the competition now, and within which limits. `client` may be a
 * transaction (createSubmission counts under its lock). Reads the daily count once.
 */
export async function submissionAdmission(
  client: Counter,
  access: { competition: AdmissionCompetition; isInstructor: boolean },
  userId: string,
  options: { now?: Date; maxUploadMb?: number } = {},
): Promise<Admission> {
  const now = options.now ?? new Date();
  const { competition, isInstructor } = access;
  return admissionFrom(competition, isInstructor, await submitterFacts(client, competition.id, userId, now), now, options.maxUploadMb ?? env().HOLDOUT_MAX_UPLOAD_MB);
}

/** The submitter's team, today's count (the team's, for a team) and their own or their team's extension. */
export async function submitterFacts(client: Counter, competitionId: string, userId: string, now: Date): Promise<SubmitterFacts> {
  const membership = await client.teamMember.findUnique({ where: { competitionId_userId: { competitionId, userId } }, select: { teamId: true } });
  const teamId = membership?.teamId ?? null;
  const memberIds = teamId ? (await client.teamMember.findMany({ where: { teamId }, select: { userId: true } })).map((m) => m.userId) : [];
  const [used, extensions] = await Promise.all([
    client.submission.count({ where: countsTowardLimitWhere(competitionId, { userId, teamId, memberIds }, now) }),
    client.extension.findMany({ where: { competitionId, OR: [{ userId }, ...(teamId ? [{ teamId }] : [])] }, select: { closesAt: true, reason: true, teamId: true } }),
  ]);
  return { used, teamId, extensions };
}

/** The decision itself, from the submitter's facts (no database). */
export function admissionFrom(competition: AdmissionCompetition, isInstructor: boolean, facts: SubmitterFacts, now: Date, maxUploadMb: number): Admission {
  const { used } = facts;
  const phase = competitionPhase(competition, now);
  const deadline = deadlineFor(competition, facts.extensions);
  const late = lateDecision(deadline, now);
  const resetsAt = nextUtcDay(now);
  const uploadLimits = submissionUploadLimits(maxUploadMb, resourceLimitsOf(competition).maxUploadBytes);
  const left = Math.max(0, competition.dailyLimit - used);
  let refusal: Refusal | null = null;
  if (!isInstructor) {
    if (phase === "upcoming") refusal = { reason: "upcoming", code: "FORBIDDEN", message: admissionMessages.upcoming(competition.opensAt) };
    else if (late.status === "closed") {
      const message = deadline.lateUntil
        ? admissionMessages.lateOver(deadline.closesAt, deadline.lateUntil)
        : deadline.extension
          ? admissionMessages.extensionOver(deadline.closesAt)
          : admissionMessages.closed(deadline.closesAt);
      refusal = { reason: "closed", code: "FORBIDDEN", message };
    }
    else if (left <= 0) {
      refusal = {
        reason: "daily-limit",
        code: "RATE_LIMITED",
        message: admissionMessages.dailyLimit(competition.dailyLimit, resetsAt),
        retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000)),
      };
    }
  }
  return {
    phase,
    exempt: isInstructor,
    dailyLimit: competition.dailyLimit,
    used,
    left,
    resetsAt,
    maxUploadBytes: uploadLimits.maxTotalBytes,
    uploadLimits,
    allowedKinds: [...competition.allowedKinds],
    teamId: facts.teamId,
    deadline,
    late: isInstructor ? { status: "on-time", days: 0, penalty: 0 } : late,
    refusal,
  };
}

/** Throws the refusal as an AppError (403 or 429 with retryAfterSeconds); returns the admission otherwise. */
export function requireAdmitted(admission: Admission): Admission {
  const refusal = admission.refusal;
  if (refusal) throw new AppError(refusal.code, refusal.message, refusal.retryAfterSeconds === undefined ? undefined : { retryAfterSeconds: refusal.retryAfterSeconds });
  return admission;
}

/**
 * The free model check (lib/submissions/model-check.ts) is allowed whenever an upload would be, and
 * also when only the daily limit stops an upload: it never uses a submission. Phase and size
 * rules are the upload's.
 */
export function requireCheckAdmitted(admission: Admission): Admission {
  if (admission.refusal?.reason === "daily-limit") return admission;
  return requireAdmitted(admission);
}

/** Refuses a kind of submission the competition does not take. */
export function requireAllowedKind(allowedKinds: readonly SubmissionKind[], kind: SubmissionKind): void {
  if (!allowedKinds.includes(kind)) throw new AppError("BAD_REQUEST", admissionMessages.kind(allowedKinds));
}

/** What queueing a definition may take, from its training estimate (lib/queue/estimates.ts). */
export interface TrainingTimeDecision {
  /** Seconds training should take on the workers, or null before any definition was trained here. */
  estimatedSeconds: number | null;
  /** Set when the definition cannot finish its epochs within the competition's training budget: it is not queued. */
  refusal: string | null;
  /** Shown with an accepted upload: the estimate, or why there is none. */
  warning: string | null;
}

function minutes(seconds: number): string {
  return seconds < 120 ? `${Math.max(1, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * The rule for a definition's training time: refused when its estimate (FLOPs x examples x epochs
 * at the workers' measured speed) is over the competition's training budget, since training would
 * stop part-way and use a worker for the whole budget; accepted with the estimate otherwise.
 * Without a measurement (no definition trained on this server yet) nothing is refused.
 */
export function trainingTimeDecision(
  work: { flopsPerExample: number; examples: number; epochs: number } | null,
  speed: { flopsPerSecond: number; samples: number } | null,
  budgetSeconds: number,
): TrainingTimeDecision {
  if (!work) return { estimatedSeconds: null, refusal: null, warning: null };
  if (!speed) {
    return { estimatedSeconds: null, refusal: null, warning: `Holdout has not trained a definition on this server yet, so it cannot estimate how long yours takes; training stops after the competition's budget of ${minutes(budgetSeconds)}.` };
  }
  const perEpoch = (3 * work.flopsPerExample * work.examples) / speed.flopsPerSecond;
  const seconds = perEpoch * work.epochs;
  const how = `${work.epochs} epoch${work.epochs === 1 ? "" : "s"} of ${work.examples.toLocaleString("en")} examples at the speed recent definitions trained here`;
  if (seconds > budgetSeconds) {
    const fit = Math.floor(budgetSeconds / perEpoch);
    const advice = fit >= 1 ? `Ask for at most ${fit} epoch${fit === 1 ? "" : "s"}, or make the model cheaper per image.` : "Make the model cheaper per image (fewer or narrower layers, smaller feature maps), or train on fewer examples.";
    return { estimatedSeconds: seconds, refusal: `Training this definition would take about ${minutes(seconds)} (${how}); this competition's training budget is ${minutes(budgetSeconds)}. ${advice}`, warning: null };
  }
  return { estimatedSeconds: seconds, refusal: null, warning: `Training should take about ${minutes(seconds)} (${how}) of the ${minutes(budgetSeconds)} budget.` };
}
