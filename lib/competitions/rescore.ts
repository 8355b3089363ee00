import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { enqueueEvaluation } from "@/lib/queue/queue";
import { ownerKeyOf } from "@/lib/queue/lanes";
import { requireCourseInstructor } from "./permissions";

export interface RescoreResult {
  /** Submissions given a new evaluation job (now QUEUED). */
  enqueued: number;
  /** Submissions skipped because a job for them is already pending or running. */
  alreadyQueued: number;
  /** Non-cancelled submissions in the competition (enqueued + alreadyQueued). */
  total: number;
}

/**
 * Requeues the evaluation of every non-cancelled submission (disqualified ones included, so their
 * scores stay comparable if reinstated), e.g. after the split seed or test set changed. Idempotent:
 * a submission that already has a PENDING or RUNNING job is skipped, so calling it twice while
 * jobs wait enqueues nothing new. Each job's payload is { version: 1, submissionId, rescore: n }
 * where n is the number of jobs the submission had before (1 for its first rescore).
 * Requeued submissions go back to QUEUED, so they leave the leaderboards until scored again.
 * Instructors of the course only; audited as "competition.rescore".
 */
export async function rescoreCompetition(prisma: PrismaClient, actorId: string, competitionId: string): Promise<RescoreResult> {
  const competition = await prisma.competition.findUnique({ where: { id: competitionId }, select: { id: true, courseId: true } });
  if (!competition) throw new AppError("NOT_FOUND", "This competition does not exist any more. Reload the course page.");
  await requireCourseInstructor(prisma, actorId, competition.courseId, "rescore this competition");

  return prisma.$transaction(
    async (tx) => {
      // Two instructors pressing "rescore" at once: the second waits and then finds every job pending.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`rescore:${competitionId}`}))`;
      const submissions = await tx.submission.findMany({
        where: { competitionId, status: { not: "CANCELLED" } },
        select: { id: true, userId: true, teamId: true },
        orderBy: { createdAt: "asc" },
      });
      const busy = new Set(
        (
          await tx.job.findMany({
            where: { submission: { competitionId }, status: { in: ["PENDING", "RUNNING"] } },
            select: { submissionId: true },
          })
        ).map((job) => job.submissionId),
      );
      const jobCounts = new Map(
        (await tx.job.groupBy({ by: ["submissionId"], where: { submission: { competitionId } }, _count: { _all: true } })).map((row) => [row.submissionId, row._count._all]),
      );
      const toQueue = submissions.filter((submission) => !busy.has(submission.id));
      for (const submission of toQueue) {
        // Low priority (the baseline lane): rescoring runs when no student's upload waits.
        await enqueueEvaluation(tx, { version: 1, submissionId: submission.id, rescore: Math.max(1, jobCounts.get(submission.id) ?? 0) }, { lane: "baseline", ownerKey: ownerKeyOf(submission) });
      }
      if (toQueue.length > 0) {
        await tx.submission.updateMany({
          where: { id: { in: toQueue.map((submission) => submission.id) } },
          data: { status: "QUEUED", progress: { phase: "QUEUED", message: "Queued for rescoring" }, failureReason: null, failureSource: null, startedAt: null, finishedAt: null },
        });
      }
      const result = { enqueued: toQueue.length, alreadyQueued: submissions.length - toQueue.length, total: submissions.length };
      await recordAudit(tx, { actorId, courseId: competition.courseId, action: "competition.rescore", targetType: "Competition", targetId: competitionId, details: { ...result } });
      return result;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}
