import type { Prisma } from "@/lib/db";

/** Submission days start at 00:00 UTC, as on Kaggle, so everyone in a course shares one reset time. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function nextUtcDay(now: Date): Date {
  return new Date(startOfUtcDay(now).getTime() + 24 * 3600 * 1000);
}

/** Who the daily limit is counted for: one student, or a team (its submissions and its members' own). */
export interface LimitEntrant {
  userId: string;
  teamId?: string | null;
  /** The team's current members (the user included). */
  memberIds?: string[];
}

/**
 * Submissions that count against today's limit: everything except cancelled ones and failures
 * that were the platform's fault (a worker lost, a database outage). A team shares one count: its
 * submissions and whatever its members uploaded today (before joining included), so joining or
 * leaving a team never gives extra submissions.
 */
export function countsTowardLimitWhere(competitionId: string, entrant: string | LimitEntrant, now: Date): Prisma.SubmissionWhereInput {
  const who = typeof entrant === "string" ? { userId: entrant } : entrant;
  const owner: Prisma.SubmissionWhereInput = who.teamId ? { OR: [{ teamId: who.teamId }, { userId: { in: [...new Set([who.userId, ...(who.memberIds ?? [])])] } }] } : { userId: who.userId };
  return {
    competitionId,
    ...owner,
    createdAt: { gte: startOfUtcDay(now) },
    status: { not: "CANCELLED" },
    NOT: { status: "FAILED", failureSource: "PLATFORM" },
  };
}
