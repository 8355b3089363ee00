import type { Prisma } from "@/lib/db";

/** Submission days start at 00:00 UTC, as on Kaggle, so everyone in a course shares one reset time. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function nextUtcDay(now: Date): Date {
  return new Date(startOfUtcDay(now).getTime() + 24 * 3600 * 1000);
}

/**
 * Submissions that count against today's limit: everything except cancelled ones and failures
 * that were the platform's fault (a worker lost, a database outage).
 */
export function countsTowardLimitWhere(competitionId: string, userId: string, now: Date): Prisma.SubmissionWhereInput {
  return {
    competitionId,
    userId,
    createdAt: { gte: startOfUtcDay(now) },
    status: { not: "CANCELLED" },
    NOT: { status: "FAILED", failureSource: "PLATFORM" },
  };
}
