import { AppError } from "@/lib/errors";
import type { Competition, Prisma, PrismaClient, SubmissionKind } from "@/lib/db";
import { competitionPhase } from "@/lib/competitions/access";
import { resourceLimitsOf } from "@/lib/competitions/schema";
import { env } from "@/lib/env";
import { submissionUploadLimits } from "@/lib/uploads/submission-upload";
import type { UploadLimits } from "@/lib/uploads/multipart";
import { countsTowardLimitWhere, nextUtcDay } from "./daily-limit";

/**
 * Who may submit, when, how often and how much: the one place these rules and their messages
 * live. The API route asks before reading the body (a refused upload costs no bandwidth),
 * createSubmission asks again inside its transaction under the per-user advisory lock (two
 * uploads racing for the last slot of the day), and the submit page shows the same refusal.
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
  /** Null: this user may submit now. */
  refusal: Refusal | null;
}

type AdmissionCompetition = Pick<Competition, "id" | "opensAt" | "closesAt" | "dailyLimit" | "allowedKinds" | "resourceLimits">;
type Counter = Pick<Prisma.TransactionClient | PrismaClient, "submission">;

/** The messages a refused submitter sees, through the API, the CLI and on the page. */
export const admissionMessages = {
  upcoming: (opensAt: Date) => `This competition opens at ${opensAt.toISOString()}. Submit after that.`,
  closed: (closesAt: Date) => `This competition closed at ${closesAt.toISOString()}; it takes no more submissions.`,
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
  const used = await client.submission.count({ where: countsTowardLimitWhere(competition.id, userId, now) });
  return admissionFrom(competition, isInstructor, used, now, options.maxUploadMb ?? env().HOLDOUT_MAX_UPLOAD_MB);
}

/** The decision itself, from today's count (no database). */
export function admissionFrom(competition: AdmissionCompetition, isInstructor: boolean, used: number, now: Date, maxUploadMb: number): Admission {
  const phase = competitionPhase(competition, now);
  const resetsAt = nextUtcDay(now);
  const uploadLimits = submissionUploadLimits(maxUploadMb, resourceLimitsOf(competition).maxUploadBytes);
  const left = Math.max(0, competition.dailyLimit - used);
  let refusal: Refusal | null = null;
  if (!isInstructor) {
    if (phase === "upcoming") refusal = { reason: "upcoming", code: "FORBIDDEN", message: admissionMessages.upcoming(competition.opensAt) };
    else if (phase === "closed") refusal = { reason: "closed", code: "FORBIDDEN", message: admissionMessages.closed(competition.closesAt) };
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
    refusal,
  };
}

/** Throws the refusal as an AppError (403 or 429 with retryAfterSeconds); returns the admission otherwise. */
export function requireAdmitted(admission: Admission): Admission {
  const refusal = admission.refusal;
  if (refusal) throw new AppError(refusal.code, refusal.message, refusal.retryAfterSeconds === undefined ? undefined : { retryAfterSeconds: refusal.retryAfterSeconds });
  return admission;
}

/** Refuses a kind of submission the competition does not take. */
export function requireAllowedKind(allowedKinds: readonly SubmissionKind[], kind: SubmissionKind): void {
  if (!allowedKinds.includes(kind)) throw new AppError("BAD_REQUEST", admissionMessages.kind(allowedKinds));
}
