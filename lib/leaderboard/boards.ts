import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/db";
import { computeStandings, type LeaderboardEntrant, type Standing } from "./standings";

export interface PublicLeaderboardRow {
  /** 1, 2, 3... without gaps; null for baseline rows, which are shown but take no rank. */
  rank: number | null;
  entrant: LeaderboardEntrant;
  /** The entrant's best public score. */
  score: number;
  /** How many scored, non-disqualified submissions the entrant has. */
  entries: number;
  /** When the latest of those was submitted. */
  lastSubmissionAt: Date;
  /** An instructor's entry, shown for reference. */
  isBaseline: boolean;
}

export interface PrivateLeaderboardRow extends PublicLeaderboardRow {
  /** The entrant's best private score among the submissions that count (finals, or best N public). */
  score: number;
  /** Whether the entrant's own final selections were used (false: their best N public submissions). */
  usedFinalSelections: boolean;
  publicRank: number | null;
  publicScore: number;
  /** publicRank - privateRank: positive when the entrant moved up ("shake-up"); null for baselines. */
  rankChange: number | null;
}

export interface PrivateLeaderboardOptions {
  /** Preview before the competition closes. The caller must have checked that the viewer is an instructor of the course. */
  asInstructor?: boolean;
  now?: Date;
}

function baseRow(standing: Standing, rank: number | null, score: number): PublicLeaderboardRow {
  return {
    rank,
    entrant: standing.entrant,
    score,
    entries: standing.submissions.length,
    lastSubmissionAt: standing.lastSubmissionAt,
    isBaseline: standing.isBaseline,
  };
}

/** The public leaderboard: one row per student or team, by best public score, ties to the earlier submission. */
export async function publicLeaderboard(prisma: PrismaClient, competitionId: string): Promise<PublicLeaderboardRow[]> {
  const { publicOrder } = await computeStandings(prisma, competitionId);
  return publicOrder.map((standing) => baseRow(standing, standing.publicRank, standing.publicBest.publicScore));
}

/**
 * The private leaderboard: each entrant's best private score among their selected finals (or, if
 * they selected none, their best maxFinalSelections public submissions). Revealed when the
 * competition closes; before that it throws FORBIDDEN unless { asInstructor: true }.
 */
export async function privateLeaderboard(prisma: PrismaClient, competitionId: string, options: PrivateLeaderboardOptions = {}): Promise<PrivateLeaderboardRow[]> {
  const now = options.now ?? new Date();
  const closesAt = await prisma.competition.findUnique({ where: { id: competitionId }, select: { closesAt: true } });
  if (!closesAt) throw new AppError("NOT_FOUND", "This competition does not exist any more. Reload the course page.");
  if (now < closesAt.closesAt && !options.asInstructor) {
    throw new AppError("FORBIDDEN", `The private leaderboard is revealed when the competition closes at ${closesAt.closesAt.toISOString()}. Until then, follow the public leaderboard.`);
  }
  const { privateOrder } = await computeStandings(prisma, competitionId);
  return privateOrder.map((standing) => ({
    ...baseRow(standing, standing.privateRank, standing.privateBest.privateScore),
    usedFinalSelections: standing.usedFinalSelections,
    publicRank: standing.publicRank,
    publicScore: standing.publicBest.publicScore,
    rankChange: standing.publicRank !== null && standing.privateRank !== null ? standing.publicRank - standing.privateRank : null,
  }));
}
