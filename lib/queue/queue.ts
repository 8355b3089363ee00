import type { Job, Prisma, PrismaClient } from "@/lib/db";
import { evaluateSubmissionPayload, JOB_TYPES, type EvaluateSubmissionPayload } from "./jobs";
import { isJobLane, JOB_LANES, type JobLane } from "./lanes";

type Tx = Prisma.TransactionClient | PrismaClient;

/** A job is "stale" when its worker has not sent a heartbeat for this long: presumed dead. */
export const DEFAULT_STALE_AFTER_SECONDS = 30;

export interface EnqueueOptions {
  /**
   * The job's lane (lib/queue/lanes.ts): "score" for trained models, "train" for definitions,
   * "baseline" for low-priority work (reference baselines, rescoring), claimed only when no
   * score or train job waits. Default "score".
   */
  lane?: JobLane;
  /** Who takes turns within the lane: ownerKeyOf(submission) (the team, else the user). */
  ownerKey?: string | null;
  /** Expected run time in seconds (a definition's training estimate), for the queue's ETA. */
  estimatedSeconds?: number | null;
  maxAttempts?: number;
}

/**
 * Enqueue inside the caller's transaction, so a submission and its job exist together or not at
 * all. The payload is parsed with its schema on write (lib/queue/jobs.ts), as the worker parses it on read.
 */
export async function enqueueEvaluation(tx: Tx, payload: EvaluateSubmissionPayload, options: EnqueueOptions = {}): Promise<Job> {
  const checked = evaluateSubmissionPayload.parse(payload);
  const lane = options.lane ?? "score";
  if (!isJobLane(lane)) throw new Error(`unknown job lane "${String(lane)}" (expected ${JOB_LANES.join(", ")})`);
  const estimatedSeconds = options.estimatedSeconds != null && Number.isFinite(options.estimatedSeconds) ? Math.max(1, Math.round(options.estimatedSeconds)) : null;
  return tx.job.create({
    data: {
      type: JOB_TYPES.evaluateSubmission,
      payload: checked,
      submissionId: checked.submissionId,
      maxAttempts: options.maxAttempts ?? 3,
      lane,
      ownerKey: options.ownerKey ?? null,
      estimatedSeconds,
    },
  });
}

/**
 * Claims the next job from the given lanes (best first; lanesToClaim in lib/queue/lanes.ts picks
 * them from the worker's free slots). Within a lane, owners take turns: the job of the owner
 * whose latest claim in that lane is oldest goes first (owners never served before all others),
 * then that owner's oldest job. Jobs without an owner count as owners of their own.
 *
 * FOR UPDATE SKIP LOCKED lets any number of workers on any number of machines poll at once: each
 * row goes to exactly one of them. Two workers claiming in the same instant may both serve the
 * same owner once; the next claims see both and move on to the others.
 */
export async function claimJob(prisma: PrismaClient, workerId: string, lanes: readonly JobLane[] = JOB_LANES): Promise<Job | null> {
  if (lanes.length === 0) return null;
  const order = [...lanes];
  const rows = await prisma.$queryRaw<Job[]>`
    WITH served AS (
      SELECT "ownerKey", "lane", max("lockedAt") AS "at" FROM "Job"
      WHERE "ownerKey" IS NOT NULL AND "lockedAt" IS NOT NULL
      GROUP BY "ownerKey", "lane"
    )
    UPDATE "Job" SET "status" = 'RUNNING', "lockedBy" = ${workerId}, "lockedAt" = clock_timestamp(), "heartbeatAt" = now(), "attempts" = "attempts" + 1
    WHERE "id" = (
      SELECT j."id" FROM "Job" j
      LEFT JOIN served s ON s."ownerKey" = j."ownerKey" AND s."lane" = j."lane"
      WHERE j."status" = 'PENDING' AND j."runAfter" <= now() AND j."lane" = ANY(${order}::text[])
      ORDER BY array_position(${order}::text[], j."lane"), s."at" ASC NULLS FIRST, j."createdAt", j."id"
      FOR UPDATE OF j SKIP LOCKED
      LIMIT 1
    )
    RETURNING *`;
  return rows[0] ?? null;
}

/** Keeps this worker's running jobs alive; returns the ids it still holds. */
export async function heartbeat(prisma: PrismaClient, workerId: string, jobIds: string[]): Promise<string[]> {
  if (jobIds.length === 0) return [];
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    UPDATE "Job" SET "heartbeatAt" = now()
    WHERE "id" = ANY(${jobIds}) AND "lockedBy" = ${workerId} AND "status" = 'RUNNING'
    RETURNING "id"`;
  return rows.map((row) => row.id);
}

/**
 * Finds jobs whose worker stopped sending heartbeats (killed, machine lost) and puts them back in
 * the queue, or fails them once they have used all their attempts. Any worker may run this.
 * Returns the jobs that ran out of attempts, so the caller can fail their submissions.
 */
export async function recoverStaleJobs(prisma: PrismaClient, staleAfterSeconds = DEFAULT_STALE_AFTER_SECONDS): Promise<{ requeued: string[]; exhausted: Job[] }> {
  const requeued = await prisma.$queryRaw<Array<{ id: string }>>`
    UPDATE "Job" SET "status" = 'PENDING', "lockedBy" = NULL, "lockedAt" = NULL, "runAfter" = now(),
      "lastError" = 'worker stopped responding (attempt ' || "attempts" || ')'
    WHERE "status" = 'RUNNING' AND "heartbeatAt" < now() - make_interval(secs => ${staleAfterSeconds}) AND "attempts" < "maxAttempts"
    RETURNING "id"`;
  const exhausted = await prisma.$queryRaw<Job[]>`
    UPDATE "Job" SET "status" = 'FAILED', "lockedBy" = NULL, "finishedAt" = now(),
      "lastError" = 'worker stopped responding on every attempt'
    WHERE "status" = 'RUNNING' AND "heartbeatAt" < now() - make_interval(secs => ${staleAfterSeconds}) AND "attempts" >= "maxAttempts"
    RETURNING *`;
  return { requeued: requeued.map((row) => row.id), exhausted };
}

/**
 * Settles a job, but only while this worker still holds it: if it was presumed dead and requeued,
 * its late result is dropped, so a submission is scored once.
 */
export async function settleJob(
  tx: Tx,
  jobId: string,
  workerId: string,
  outcome: { status: "SUCCEEDED" | "FAILED" | "CANCELLED"; error?: string },
): Promise<boolean> {
  const { count } = await tx.job.updateMany({
    where: { id: jobId, lockedBy: workerId, status: "RUNNING" },
    data: { status: outcome.status, lastError: outcome.error ?? null, finishedAt: new Date(), lockedBy: null },
  });
  return count === 1;
}

/** Returns a job to the queue after a platform-side failure (e.g. database down mid-job). */
export async function retryJobLater(prisma: PrismaClient, jobId: string, workerId: string, error: string, delaySeconds: number): Promise<boolean> {
  const { count } = await prisma.job.updateMany({
    where: { id: jobId, lockedBy: workerId, status: "RUNNING" },
    data: { status: "PENDING", lockedBy: null, lockedAt: null, lastError: error, runAfter: new Date(Date.now() + delaySeconds * 1000) },
  });
  return count === 1;
}

/** Deletes finished jobs (succeeded, failed, cancelled) that finished before `before`; pending and running ones stay. */
export async function deleteFinishedJobs(tx: Tx, before: Date): Promise<number> {
  const { count } = await tx.job.deleteMany({
    where: {
      status: { in: ["SUCCEEDED", "FAILED", "CANCELLED"] },
      OR: [{ finishedAt: { lt: before } }, { finishedAt: null, createdAt: { lt: before } }],
    },
  });
  return count;
}
