import { AppError } from "@/lib/errors";
import { accuracyInterval } from "./statistics";
import type { PrismaClient } from "@/lib/db";
import { privateRevealFor, privateRevealMessage } from "@/lib/competitions/access";
import { computeStandings, type LeaderboardEntrant, type Standing } from "./standings";
import { boardUncertainty, loadSplitResults, type Interval, type Uncertainty } from "./uncertainty";

/** Each row carries its score's 95% interval and whether it is tied with the entry above (./uncertainty.ts). */
export interface PublicLeaderboardRow extends Uncertainty {
  /** 1, 2, 3... without gaps; null for baseline rows, which are shown but take no rank. */
  rank: number | null;
  entrant: LeaderboardEntrant;
  /** The entrant's best public score. */
  score: number;
  /** How many scored, non-disqualified submissions the entrant has. */
  entries: number;
  /** When the latest of those was submitted. */
  lastSubmissionAt: Date;
  /** An instructor's entry or a labelled reference baseline, shown for reference. */
  isBaseline: boolean;
  /**
   * The submission behind the row's score (the best public one; on the private board the best
   * counted one). Only the course's staff, the entrant themself and baseline rows get it: see
   * rowsForViewer.
   */
  submissionId: string | null;
  /** The late penalty of the submission behind the score (fixed at upload; the board ranks its score as it is); null when it was on time. */
  latePenalty: number | null;
}

export interface PrivateLeaderboardRow extends PublicLeaderboardRow {
  /** The entrant's best private score among the submissions that count (finals, or best N public). */
  score: number;
  /** Whether the entrant's own final selections were used (false: their best N public submissions). */
  usedFinalSelections: boolean;
  publicRank: number | null;
  publicScore: number;
  /** 95% interval of publicScore on the public split. */
  publicInterval: Interval | null;
  /** publicRank - privateRank: positive when the entrant moved up ("shake-up"); null for baselines. */
  rankChange: number | null;
}

export interface PrivateLeaderboardOptions {
  /** Preview before the competition closes. The caller must have checked that the viewer is an instructor of the course. */
  asInstructor?: boolean;
  now?: Date;
}

function intervalOf(score: number, examples: number | null): Interval | null {
  return examples ? accuracyInterval(score, examples) : null;
}

function baseRow(standing: Standing, rank: number | null, score: number, submissionId: string): Omit<PublicLeaderboardRow, keyof Uncertainty> {
  return {
    rank,
    entrant: standing.entrant,
    score,
    entries: standing.submissions.length,
    lastSubmissionAt: standing.lastSubmissionAt,
    isBaseline: standing.isBaseline,
    submissionId,
    latePenalty: lateOf(standing, submissionId),
  };
}

function lateOf(standing: Standing, submissionId: string): number | null {
  const submission = standing.submissions.find((s) => s.id === submissionId);
  return submission?.isLate ? (submission.latePenalty ?? 0) : null;
}

/**
 * A board as one viewer may see it: submission ids (for reports and comparisons) stay on labelled
 * reference baseline rows, on the viewer's own row (or team's) and, for the course's staff, on every row; other
 * students' ids are removed, as their reports are not theirs to open (lib/submissions/queries.ts).
 */
export function rowsForViewer<T extends PublicLeaderboardRow>(rows: T[], viewer: { id: string; isStaff: boolean }): T[] {
  if (viewer.isStaff) return rows;
  return rows.map((row) => (row.entrant.type === "baseline" || row.entrant.id === viewer.id || row.entrant.members.some((member) => member.id === viewer.id) ? row : { ...row, submissionId: null }));
}

/** The public leaderboard: one row per student or team, by best public score, ties to the earlier submission. */
export async function publicLeaderboard(prisma: PrismaClient, competitionId: string): Promise<PublicLeaderboardRow[]> {
  const { publicOrder } = await computeStandings(prisma, competitionId);
  const results = await loadSplitResults(prisma, publicOrder.map((standing) => standing.publicBest.id));
  const uncertainty = boardUncertainty(publicOrder.map((standing) => ({ score: standing.publicBest.shownPublicScore, isBaseline: standing.isBaseline, results: results.get(standing.publicBest.id)?.public })));
  return publicOrder.map((standing, i) => ({ ...baseRow(standing, standing.publicRank, standing.publicBest.shownPublicScore, standing.publicBest.id), ...uncertainty[i] }));
}

/**
 * The private leaderboard: each entrant's best private score among their selected finals (or, if
 * they selected none, their best maxFinalSelections public submissions). Revealed to students when
 * nobody may upload any more (privateRevealAt: the close, or the end of the late period and of
 * every extension); before that it throws FORBIDDEN unless { asInstructor: true }.
 */
export async function privateLeaderboard(prisma: PrismaClient, competitionId: string, options: PrivateLeaderboardOptions = {}): Promise<PrivateLeaderboardRow[]> {
  const now = options.now ?? new Date();
  const competition = await prisma.competition.findUnique({ where: { id: competitionId }, select: { id: true, closesAt: true, latePolicy: true } });
  if (!competition) throw new AppError("NOT_FOUND", "This competition does not exist any more. Reload the course page.");
  if (!options.asInstructor) {
    const reveal = await privateRevealFor(prisma, competition, now);
    if (!reveal.revealed) throw new AppError("FORBIDDEN", privateRevealMessage(reveal));
  }
  const { privateOrder } = await computeStandings(prisma, competitionId);
  const results = await loadSplitResults(prisma, [...new Set(privateOrder.flatMap((standing) => [standing.privateBest.id, standing.publicBest.id]))]);
  const uncertainty = boardUncertainty(privateOrder.map((standing) => ({ score: standing.privateBest.privateScore, isBaseline: standing.isBaseline, results: results.get(standing.privateBest.id)?.private })));
  return privateOrder.map((standing, i) => ({
    ...baseRow(standing, standing.privateRank, standing.privateBest.privateScore, standing.privateBest.id),
    ...uncertainty[i],
    usedFinalSelections: standing.usedFinalSelections,
    publicRank: standing.publicRank,
    publicScore: standing.publicBest.shownPublicScore,
    publicInterval: intervalOf(standing.publicBest.shownPublicScore, results.get(standing.publicBest.id)?.public.examples ?? null),
    rankChange: standing.publicRank !== null && standing.privateRank !== null ? standing.publicRank - standing.privateRank : null,
  }));
}
