import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Job, PrismaClient } from "@/lib/db";
import { claimJob, heartbeat, recoverStaleJobs, DEFAULT_STALE_AFTER_SECONDS } from "@/lib/queue/queue";
import { JOB_TYPES } from "@/lib/queue/jobs";
import { lanesToClaim } from "@/lib/queue/lanes";
import { env } from "@/lib/env";
import { cleanUpStorage, RETENTION_INTERVAL_MS } from "@/lib/storage/retention";
import { claimMailJob, runMailJob } from "@/lib/mail/deliver";
import { enqueueClosedNotices } from "@/lib/mail/notices";
import { runEvaluationJob, type EvaluateContext } from "./evaluate";

export interface WorkerOptions {
  prisma: PrismaClient;
  concurrency: number;
  backend: EvaluateContext["backend"];
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  staleAfterSeconds?: number;
  /** Finished jobs older than this are deleted, with blobs nothing refers to (default HOLDOUT_RETENTION_DAYS). */
  retentionDays?: number;
  /** How often that clean-up runs (default hourly; also once at start). */
  retentionIntervalMs?: number;
  /** How often "competition closed" mail notices are looked for (default every minute; only with SMTP_URL). */
  closedNoticeIntervalMs?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  id: string;
  /** Stops claiming new jobs and waits for the running ones. */
  stop(): Promise<void>;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The worker loop: claim a job, run it in a supervised child process, repeat, with up to
 * `concurrency` jobs at once. Heartbeats keep claimed jobs alive; any worker puts back the jobs
 * of a worker that stopped sending them. No error of one job, and no database outage, ends the loop.
 */
export function startWorker(options: WorkerOptions): RunningWorker {
  const { prisma, concurrency } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5000;
  const staleAfterSeconds = options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS;
  const id = `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const running = new Map<string, Promise<void>>();
  /** The lane of each running job: train and baseline jobs never hold every slot (lib/queue/lanes.ts). */
  const runningLanes = new Map<string, string>();
  /**
   * Jobs a shutdown does not wait for: reference baselines (the baseline lane) train for up to the
   * competition's time budget, and nobody waits on them, so Ctrl-C kills their child and puts
   * them back in the queue (the platform's doing: nothing is charged) instead of blocking.
   */
  const abortOnStop = new Map<string, AbortController>();
  let stopping = false;

  // Concurrent jobs split the machine's CPUs between their training threads.
  const cpus = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  const context: EvaluateContext = { prisma, workerId: id, backend: options.backend, cpuShare: Math.max(1, Math.floor(cpus / concurrency)), log };

  async function beat() {
    try {
      await prisma.worker.upsert({
        where: { id },
        create: { id, hostname: os.hostname(), pid: process.pid, backend: options.backend },
        update: { lastSeenAt: new Date() },
      });
      await heartbeat(prisma, id, [...running.keys(), ...(mailJobId ? [mailJobId] : [])]);
      const { requeued, exhausted } = await recoverStaleJobs(prisma, staleAfterSeconds);
      if (requeued.length) log(`requeued ${requeued.length} job(s) of a worker that stopped responding`);
      for (const job of exhausted) {
        if (!job.submissionId) continue;
        await prisma.submission.updateMany({
          where: { id: job.submissionId, status: { notIn: ["SCORED", "CANCELLED"] } },
          data: { status: "FAILED", failureSource: "PLATFORM", failureReason: "Scoring was interrupted on every attempt (the worker stopped). This does not count against your daily limit; submit again.", finishedAt: new Date() },
        });
      }
    } catch (error) {
      log(`heartbeat failed (will retry): ${(error as Error).message.split("\n")[0]}`);
    }
  }

  const retentionDays = options.retentionDays ?? env().HOLDOUT_RETENTION_DAYS;
  let cleaning: Promise<void> | null = null;
  function cleanUp() {
    cleaning ??= cleanUpStorage(prisma, { retentionDays })
      .then((result) => {
        if (result.jobs || result.blobs) log(`clean-up: deleted ${result.jobs} finished job(s) older than ${retentionDays} days and ${result.blobs} unreferenced file(s)`);
      })
      .catch((error: unknown) => log(`clean-up failed (will retry): ${(error as Error).message.split("\n")[0]}`))
      .finally(() => {
        cleaning = null;
      });
  }

  async function runJob(job: Job) {
    try {
      if (job.type === JOB_TYPES.evaluateSubmission) {
        const controller = job.lane === "baseline" ? new AbortController() : null;
        if (controller) abortOnStop.set(job.id, controller);
        try {
          await runEvaluationJob(job, controller ? { ...context, signal: controller.signal } : context);
        } finally {
          abortOnStop.delete(job.id);
        }
      }
      else if (job.type === JOB_TYPES.mail) await runMailJob(prisma, job, id, log);
      else {
        await prisma.job.update({ where: { id: job.id }, data: { status: "FAILED", lastError: `unknown job type ${job.type}`, finishedAt: new Date() } });
      }
    } catch (error) {
      // The job's own failure paths record reasons; reaching here means the platform failed
      // (e.g. the database went away). Leave the job to the stale-job recovery, which retries it.
      log(`job ${job.id} hit an internal error; it will be retried: ${(error as Error).stack ?? error}`);
    }
  }

  /** Mail goes out beside the scoring slots: a reset link never waits behind a long training run. */
  let mailJobId: string | null = null;
  async function mailLoop() {
    while (!stopping) {
      let job: Job | null = null;
      try {
        job = await claimMailJob(prisma, id);
      } catch {
        await sleep(pollIntervalMs * 2);
        continue;
      }
      if (!job) {
        await sleep(pollIntervalMs);
        continue;
      }
      mailJobId = job.id;
      await runJob(job).finally(() => (mailJobId = null));
    }
  }

  const noticeClosed = () =>
    void enqueueClosedNotices(prisma)
      .then((queued) => queued && log(`queued ${queued} "competition closed" mail(s)`))
      .catch((error: unknown) => log(`closed-competition notices failed (will retry): ${(error as Error).message.split("\n")[0]}`));
  const closedNoticeTimer = setInterval(noticeClosed, options.closedNoticeIntervalMs ?? 60_000);
  const heartbeatTimer = setInterval(() => void beat(), heartbeatIntervalMs);
  const retentionTimer = setInterval(cleanUp, options.retentionIntervalMs ?? RETENTION_INTERVAL_MS);

  const done = (async () => {
    await beat();
    log(`worker ${id} ready (concurrency ${concurrency}, backend preference ${options.backend})`);
    cleanUp();
    noticeClosed();
    const mailing = mailLoop();
    while (!stopping) {
      if (running.size >= concurrency) {
        await Promise.race(running.values());
        continue;
      }
      const lanes = lanesToClaim(concurrency, [...runningLanes.values()]);
      let job: Job | null = null;
      try {
        job = await claimJob(prisma, id, lanes);
      } catch (error) {
        log(`could not reach the database to claim jobs (will retry): ${(error as Error).message.split("\n")[0]}`);
        await sleep(pollIntervalMs * 2);
        continue;
      }
      if (!job) {
        // Nothing this worker may take now; a finished job frees a slot (and maybe a lane) sooner.
        await Promise.race([sleep(pollIntervalMs), ...running.values()]);
        continue;
      }
      log(`claimed job ${job.id} (${job.type}, ${job.lane} lane, attempt ${job.attempts}/${job.maxAttempts})`);
      const claimed = job;
      const task = runJob(claimed).finally(() => {
        running.delete(claimed.id);
        runningLanes.delete(claimed.id);
      });
      running.set(claimed.id, task);
      runningLanes.set(claimed.id, claimed.lane);
    }
    await Promise.all([...running.values(), mailing]);
    clearInterval(heartbeatTimer);
    clearInterval(retentionTimer);
    clearInterval(closedNoticeTimer);
    await cleaning;
    await prisma.worker.delete({ where: { id } }).catch(() => {});
  })();

  return {
    id,
    done,
    async stop() {
      stopping = true;
      for (const controller of abortOnStop.values()) controller.abort();
      await done;
    },
  };
}
