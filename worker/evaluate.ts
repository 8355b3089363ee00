import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Prisma, type Job, type PrismaClient } from "@/lib/db";
import { evaluateSubmissionPayload } from "@/lib/queue/jobs";
import { retryJobLater, settleJob } from "@/lib/queue/queue";
import { getBlob } from "@/lib/storage/blobs";
import { resourceLimitsOf, trainingBudgetOf } from "@/lib/competitions/schema";
import { scrubPaths } from "@/lib/scrub-paths";
import { env } from "@/lib/env";
import { reportColumn, reportColumnsOf, summarizeCurves } from "@/lib/evaluation";
import { decideLadder } from "@/lib/leaderboard/ladder";
import { preprocessingSchema } from "@/lib/models/preprocessing";
import type { ChildMessage, EpochRecord, EvaluationTask } from "@/lib/sandbox/protocol";
import { enqueueScoredNotice } from "@/lib/mail/notices";
import { runInChild } from "./supervise";

export interface EvaluateContext {
  prisma: PrismaClient;
  workerId: string;
  backend: EvaluationTask["backend"];
  cpuShare: number;
  log: (line: string) => void;
  /** Aborted when the worker shuts down and will not wait for this job (a reference baseline): its child is killed and the job requeued, never charged. */
  signal?: AbortSignal;
}

/** Only a file name: uploads are stored under their base name inside the job's own directory. */
function safeName(name: string): string {
  const base = path.basename(name.replaceAll("\\", "/"));
  return base && base !== "." && base !== ".." ? base : "file";
}

/** Runs one evaluate-submission job: train if it is a definition, then score on both splits. */
export async function runEvaluationJob(job: Job, context: EvaluateContext): Promise<void> {
  const { prisma, workerId, log } = context;
  const parsed = evaluateSubmissionPayload.safeParse(job.payload);
  if (!parsed.success) {
    await settleJob(prisma, job.id, workerId, { status: "FAILED", error: `unreadable payload: ${parsed.error.message}` });
    return;
  }
  const submission = await prisma.submission.findUnique({
    where: { id: parsed.data.submissionId },
    include: { files: true, competition: { include: { testSet: true } } },
  });
  if (!submission || submission.status === "CANCELLED") {
    await settleJob(prisma, job.id, workerId, { status: "CANCELLED", error: submission ? "submission cancelled" : "submission deleted" });
    return;
  }
  const { competition } = submission;
  const stillOurs = { id: job.id, lockedBy: workerId, status: "RUNNING" as const };
  const updateSubmission = (data: Prisma.SubmissionUpdateInput) =>
    prisma.submission.updateMany({ where: { id: submission.id, jobs: { some: stillOurs } }, data: data as Prisma.SubmissionUpdateManyMutationInput });

  await updateSubmission({ status: "VALIDATING", startedAt: new Date(), finishedAt: null, failureReason: null, failureSource: null, progress: { phase: "VALIDATING" } });

  const workDir = await mkdtemp(path.join(os.tmpdir(), "holdout-job-"));
  try {
    const filesDir = path.join(workDir, "files");
    await mkdir(filesDir);
    for (const file of submission.files) await writeFile(path.join(filesDir, safeName(file.name)), await getBlob(prisma, file.blobSha256));
    let customTestSet: EvaluationTask["customTestSet"];
    if (competition.testSet) {
      const dir = path.join(workDir, "test-set");
      await mkdir(dir);
      const name = `test-set.${competition.testSet.format}`;
      await writeFile(path.join(dir, name), await getBlob(prisma, competition.testSet.blobSha256));
      customTestSet = { dir, files: [name] };
    }
    const budget = trainingBudgetOf(competition);
    const limits = resourceLimitsOf(competition);
    const task: EvaluationTask = {
      submissionId: submission.id,
      kind: submission.kind,
      filesDir,
      files: submission.files.map((file) => ({ name: safeName(file.name), role: file.role })),
      preprocessing: preprocessingSchema.nullable().catch(null).parse(submission.preprocessing ?? null),
      trainingSettings: submission.trainingSettings,
      dataset: { id: competition.datasetId, dataDir: env().HOLDOUT_DATA_DIR },
      customTestSet,
      split: { seed: competition.splitSeed, publicFraction: competition.publicFraction },
      budget,
      limits: { maxParams: limits.maxParams, maxFlops: limits.maxFlops, timeoutSeconds: limits.timeoutSeconds, memoryMb: limits.memoryMb },
      backend: context.backend,
      cpuShare: context.cpuShare,
    };
    // Definitions get their training budget on top of the scoring limit.
    const timeoutSeconds = limits.timeoutSeconds + (submission.kind === "DEFINITION" ? budget.maxSeconds : 0);
    const epochs: EpochRecord[] = [];
    let settled = false;
    /** A failure the child blamed on the platform (its engine did not load, data missing): retried like a crash while attempts are left. */
    let platformFailure: string | null = null;

    const onMessage = async (message: ChildMessage) => {
      switch (message.type) {
        case "phase":
          await updateSubmission({ status: message.phase, progress: { phase: message.phase, message: message.message ?? null } });
          break;
        case "epoch": {
          epochs.push(message.record);
          const curves = reportColumn("curves", summarizeCurves("training", epochs));
          await prisma.report.upsert({ where: { submissionId: submission.id }, create: { submissionId: submission.id, curves }, update: { curves } });
          await updateSubmission({
            progress: { phase: "TRAINING", epoch: message.record.epoch, totalEpochs: message.totalEpochs, fraction: message.record.epoch / message.totalEpochs, etaSeconds: message.etaSeconds },
          });
          break;
        }
        case "batch": {
          // Inside an epoch: the fraction moves between epochs too (the epoch count stays that of finished epochs' curves).
          const fraction = (message.epoch - 1 + message.batch / message.batchesPerEpoch) / message.totalEpochs;
          const previous = epochs.reduce((sum, e) => sum + (e.seconds ?? 0), 0) / Math.max(1, epochs.length);
          await updateSubmission({
            progress: {
              phase: "TRAINING",
              epoch: message.epoch,
              totalEpochs: message.totalEpochs,
              batch: message.batch,
              batchesPerEpoch: message.batchesPerEpoch,
              fraction,
              etaSeconds: epochs.length ? Math.round(previous * (message.totalEpochs - message.epoch + 1 - message.batch / message.batchesPerEpoch)) : null,
            },
          });
          break;
        }
        case "result": {
          // Parsed on arrival with the protocol's schema (lib/sandbox/protocol.ts) and per column on write.
          const result = message.result;
          settled = await retryWhileDatabaseDown(() => prisma.$transaction(async (tx) => {
            if (!(await settleJob(tx, job.id, workerId, { status: "SUCCEEDED" }))) return false;
            // No robustness panel this time (time limit, failure): clear one from an earlier run (rescore).
            const report = { backend: result.backend, examplesPerSecond: result.examplesPerSecond, ...reportColumnsOf(result), robustness: result.robustness ? reportColumn("robustness", result.robustness) : Prisma.DbNull };
            await tx.report.upsert({ where: { submissionId: submission.id }, create: { submissionId: submission.id, ...report }, update: report });
            const score = {
              metric: "accuracy",
              publicScore: result.public.accuracy,
              privateScore: result.private.accuracy,
              publicLoss: finiteOrNull(result.public.loss),
              privateLoss: finiteOrNull(result.private.loss),
              // Per-example results stay on the server (intervals, paired tests, copy checks).
              publicCorrect: result.perExample ? new Uint8Array(result.perExample.publicCorrect) : null,
              privateCorrect: result.perExample ? new Uint8Array(result.perExample.privateCorrect) : null,
              publicPredictions: result.perExample ? new Uint8Array(result.perExample.publicPredictions) : null,
              trainSliceScore: result.trainSlice?.accuracy ?? null,
              // The probing guard (lib/leaderboard/ladder.ts): what the public board shows for it.
              ladderPublicScore: competition.probingGuard ? (await decideLadder(tx, submission, result.public.accuracy, result.public.examples)).shown : null,
            };
            await tx.score.upsert({ where: { submissionId: submission.id }, create: { submissionId: submission.id, ...score }, update: score });
            await tx.submission.update({ where: { id: submission.id }, data: { status: "SCORED", format: result.format, finishedAt: new Date(), progress: { phase: "SCORED" } } });
            return true;
          }), log);
          log(`submission ${submission.id} scored: public ${result.public.accuracy.toFixed(4)}`);
          // After the score is stored, on its own: a mail problem never fails the scoring.
          if (settled) await enqueueScoredNotice(prisma, submission.id).catch((error: unknown) => log(`submission ${submission.id}: could not queue the "scored" mail: ${(error as Error).message.split("\n")[0]}`));
          break;
        }
        case "failure":
          if (message.source === "PLATFORM" && job.attempts < job.maxAttempts) {
            platformFailure = message.message;
            break;
          }
          settled = await retryWhileDatabaseDown(() => failSubmission(prisma, job, workerId, submission.id, message.source, message.message), log);
          break;
      }
    };

    const outcome = await runInChild(task, { memoryMb: limits.memoryMb, timeoutSeconds, onMessage, signal: context.signal });
    const crash = outcome.kind === "crashed" ? outcome : platformFailure ? { reason: platformFailure, source: "PLATFORM" as const } : null;
    if (crash && !settled) {
      if (crash.source === "PLATFORM" && job.attempts < job.maxAttempts) {
        // Never the student's fault, never charged: the job goes back to the queue (any worker may take it).
        log(`submission ${submission.id}: ${crash.reason}; retrying`);
        await updateSubmission({ status: "QUEUED", progress: { phase: "QUEUED", message: "retrying after a worker problem" } });
        await retryJobLater(prisma, job.id, workerId, crash.reason, 5);
      } else {
        await failSubmission(prisma, job, workerId, submission.id, crash.source, crash.reason);
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Writes a job's outcome, retrying for a while if the database is unreachable (a restart takes
 * seconds): a finished evaluation is worth keeping. If it still fails, the job's heartbeats stop
 * and another attempt runs it again.
 */
async function retryWhileDatabaseDown<T>(write: () => Promise<T>, log: (line: string) => void, attempts = 30): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts) throw error;
      log(`could not record a result (attempt ${attempt}), retrying: ${(error as Error).message.split("\n")[0]}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export async function failSubmission(prisma: PrismaClient, job: Job, workerId: string, submissionId: string, source: "SUBMISSION" | "PLATFORM", rawReason: string): Promise<boolean> {
  // Students read this: no server paths.
  const reason = scrubPaths(rawReason);
  return prisma.$transaction(async (tx) => {
    if (!(await settleJob(tx, job.id, workerId, { status: "FAILED", error: reason }))) return false;
    await tx.submission.update({ where: { id: submissionId }, data: { status: "FAILED", failureReason: reason, failureSource: source, finishedAt: new Date(), progress: { phase: "FAILED" } } });
    return true;
  });
}
