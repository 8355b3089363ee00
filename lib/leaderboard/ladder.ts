/**
 * The probing guard (Competition.probingGuard): the Ladder of Blum & Hardt, "The Ladder: A
 * Reliable Leaderboard for Machine Learning Competitions" (ICML 2015). A student (or team) who
 * submits many variants and keeps whichever scores best on the public split ends up fitting that
 * split's noise; the Ladder shows a new public score only when it beats the entrant's best shown
 * score by more than a step (./statistics.ts, ladderThreshold: 1/sqrt(n) for n public examples),
 * so small lucky gains show nothing. The step is decided once, when a submission is scored, and
 * kept in Score.ladderPublicScore (the score the public board shows for it).
 *
 * Differences from the paper: the shown score is the submission's own public accuracy when it
 * climbs (the paper rounds it to the step's grid), and it is the same value the report shows.
 */
import type { Prisma } from "@/lib/db";
import { ladderStep, ladderThreshold } from "./statistics";

export interface LadderDecision {
  /** What the public board shows for this submission. */
  shown: number;
  /** The entrant's best shown score before it (null: their first scored submission). */
  previousShown: number | null;
  threshold: number;
  updated: boolean;
}

/**
 * The Ladder's decision for a submission being scored, inside the transaction that writes its
 * score: one decision at a time per entrant (an advisory lock), against the best shown score of
 * the entrant's other scored, non-disqualified submissions (a submission scored before the guard
 * was switched on shows its public score).
 */
export async function decideLadder(tx: Prisma.TransactionClient, submission: { id: string; competitionId: string; userId: string; teamId: string | null }, publicScore: number, publicCount: number): Promise<LadderDecision> {
  const membership = submission.teamId ? null : await tx.teamMember.findUnique({ where: { competitionId_userId: { competitionId: submission.competitionId, userId: submission.userId } } });
  const entrantKey = submission.teamId ?? membership?.teamId ?? submission.userId;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`ladder:${submission.competitionId}:${entrantKey}`}))`;
  const [row] = await tx.$queryRaw<Array<{ best: number | null }>>`
    SELECT MAX(COALESCE(sc."ladderPublicScore", sc."publicScore")) AS "best"
    FROM "Submission" s
    JOIN "Score" sc ON sc."submissionId" = s."id"
    LEFT JOIN "TeamMember" tm ON tm."competitionId" = s."competitionId" AND tm."userId" = s."userId"
    WHERE s."competitionId" = ${submission.competitionId} AND s."id" <> ${submission.id} AND s."status" = 'SCORED' AND s."disqualifiedAt" IS NULL
      AND COALESCE(s."teamId", tm."teamId", s."userId") = ${entrantKey}`;
  const previousShown = row?.best ?? null;
  const threshold = ladderThreshold(publicCount);
  const { shown, updated } = ladderStep(previousShown, publicScore, threshold);
  return { shown, previousShown, threshold, updated };
}
