/**
 * What the queue knows about time, measured rather than assumed:
 * - the workers' training speed, from the reports of recently trained definitions (training FLOPs
 *   per second: 3 x forward FLOPs x examples x full epochs / the seconds those epochs took), used
 *   to estimate a definition's training time before it is queued (the rule that refuses one that
 *   cannot finish is in lib/submissions/admission.ts);
 * - each lane's job durations, from recently finished jobs (claimed -> finished);
 * - a queued job's position and ETA, from its lane's backlog under the fair claim order
 *   (lib/queue/lanes.ts, claimJob) and those durations.
 * No schema of its own: everything is read from Job and Report rows the worker writes anyway.
 */
import type { PrismaClient } from "@/lib/db";
import { readReportColumn } from "@/lib/evaluation/report";
import { TRAINING_FLOPS_PER_FORWARD_FLOP } from "@/lib/engine/flop-rules";
import type { JobLane } from "./lanes";

/** How many recent jobs or reports a measurement reads. */
const RECENT = 30;
/** Workers seen within this long count as alive (their heartbeat runs every 5 s). */
const LIVE_WORKER_SECONDS = 60;

export interface TrainingWork {
  /** Forward FLOPs per example of the architecture (the upload check's analysis). */
  flopsPerExample: number;
  /** Training examples per epoch (after the validation split and the budget's cap). */
  examples: number;
  epochs: number;
}

export interface TrainingSpeed {
  /** Median training FLOPs per second of one job, over `samples` recent definitions. */
  flopsPerSecond: number;
  samples: number;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The training rate one report shows, or null when it lacks what the rate needs. */
export function trainingRateOfReport(report: { summary: unknown; curves: unknown; splitInfo: unknown }): number | null {
  const summary = readReportColumn("summary", report.summary);
  const curves = readReportColumn("curves", report.curves);
  const splitInfo = readReportColumn("splitInfo", report.splitInfo);
  const flops = summary?.flopsPerExample;
  const examples = splitInfo?.training?.trainCount;
  if (!flops || !examples || !curves || curves.source !== "training") return null;
  // Epochs the time budget cut short saw only part of the data: leave them out.
  const full = curves.epochs.filter((epoch) => !epoch.partial && epoch.seconds !== null && epoch.seconds > 0);
  const seconds = full.reduce((sum, epoch) => sum + (epoch.seconds ?? 0), 0);
  if (full.length === 0 || seconds <= 0) return null;
  return (TRAINING_FLOPS_PER_FORWARD_FLOP * flops * examples * full.length) / seconds;
}

/** The workers' measured training speed, or null before any definition has been trained. */
export async function measuredTrainingSpeed(prisma: PrismaClient): Promise<TrainingSpeed | null> {
  const reports = await prisma.report.findMany({
    where: { submission: { kind: "DEFINITION", status: "SCORED" } },
    select: { summary: true, curves: true, splitInfo: true },
    orderBy: { updatedAt: "desc" },
    take: RECENT,
  });
  const rates = reports.map(trainingRateOfReport).filter((rate): rate is number => rate !== null);
  const rate = median(rates);
  return rate === null ? null : { flopsPerSecond: rate, samples: rates.length };
}

export function trainingFlops(work: TrainingWork): number {
  return TRAINING_FLOPS_PER_FORWARD_FLOP * work.flopsPerExample * work.examples * work.epochs;
}

/** Seconds training `work` takes at `speed`. */
export function estimatedTrainingSeconds(work: TrainingWork, speed: TrainingSpeed): number {
  return trainingFlops(work) / speed.flopsPerSecond;
}

/** Median seconds from claim to finish of the lane's recently succeeded jobs, or null without any. */
export async function laneJobSeconds(prisma: PrismaClient, lane: JobLane): Promise<number | null> {
  const jobs = await prisma.job.findMany({
    where: { lane, status: "SUCCEEDED", lockedAt: { not: null }, finishedAt: { not: null } },
    select: { lockedAt: true, finishedAt: true },
    orderBy: { finishedAt: "desc" },
    take: RECENT,
  });
  return median(jobs.map((job) => (job.finishedAt!.getTime() - job.lockedAt!.getTime()) / 1000).filter((s) => s >= 0));
}

/** Assumed job seconds in a lane before any job of it has finished (said so where shown). */
const ASSUMED_SECONDS: Record<JobLane, number> = { score: 30, train: 600, baseline: 120 };

export interface QueueEstimate {
  lane: JobLane;
  /** 1 = next in its lane. */
  position: number;
  /** Seconds until a worker starts it, or null when no worker is running. */
  etaSeconds: number | null;
  /** Workers alive now (0: nothing will start until one runs). */
  liveWorkers: number;
  /** False when the lane had no finished job to measure and ASSUMED_SECONDS stood in. */
  measured: boolean;
}

interface QueuedJob {
  id: string;
  lane: string;
  ownerKey: string | null;
  createdAt: Date;
  estimatedSeconds: number | null;
}

/**
 * Jobs the fair claim order runs before `job` in its own lane: the owner's earlier jobs, and from
 * every other owner as many as the turns that come before this one (one per round, the owners
 * served longer ago first). New arrivals are not foreseen.
 */
export function jobsAheadInLane(job: QueuedJob, pending: QueuedJob[], lastServed: Map<string, number>): QueuedJob[] {
  const owner = (j: QueuedJob) => j.ownerKey ?? `job:${j.id}`;
  const byOwner = new Map<string, QueuedJob[]>();
  for (const j of [...pending].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))) {
    if (j.lane !== job.lane) continue;
    byOwner.set(owner(j), [...(byOwner.get(owner(j)) ?? []), j]);
  }
  const mine = byOwner.get(owner(job)) ?? [job];
  const round = Math.max(0, mine.findIndex((j) => j.id === job.id));
  // The order owners are served in within a round (claimJob's ORDER BY): longest since last served first.
  const turn = (key: string, jobs: QueuedJob[]) => [lastServed.get(key) ?? -Infinity, jobs[0].createdAt.getTime(), jobs[0].id] as const;
  const myTurn = turn(owner(job), mine);
  const before = (key: string, jobs: QueuedJob[]) => {
    const other = turn(key, jobs);
    for (let i = 0; i < 3; i++) if (other[i] !== myTurn[i]) return other[i] < myTurn[i];
    return false;
  };
  const ahead = mine.slice(0, round);
  for (const [key, jobs] of byOwner) {
    if (key === owner(job)) continue;
    ahead.push(...jobs.slice(0, Math.min(jobs.length, before(key, jobs) ? round + 1 : round)));
  }
  return ahead;
}

/** Position and ETA of a submission's pending job, or null when it is not waiting. */
export async function queueEstimate(prisma: PrismaClient, submissionId: string, now = new Date()): Promise<QueueEstimate | null> {
  const job = await prisma.job.findFirst({ where: { submissionId, status: "PENDING" }, orderBy: { createdAt: "desc" } });
  if (!job) return null;
  const lane = job.lane as JobLane;
  // The lanes claimed before this one: baseline waits for score and train; score and train share slots.
  const lanesAhead: JobLane[] = lane === "baseline" ? ["score", "train", "baseline"] : [lane];
  const select = { id: true, lane: true, ownerKey: true, createdAt: true, estimatedSeconds: true, lockedAt: true } as const;
  const [pending, running, liveWorkers] = await Promise.all([
    prisma.job.findMany({ where: { status: "PENDING", lane: { in: lanesAhead } }, select }),
    prisma.job.findMany({ where: { status: "RUNNING", lane }, select }),
    prisma.worker.count({ where: { lastSeenAt: { gte: new Date(now.getTime() - LIVE_WORKER_SECONDS * 1000) } } }),
  ]);
  const served = await prisma.job.groupBy({ by: ["ownerKey"], where: { lane, ownerKey: { not: null }, lockedAt: { not: null } }, _max: { lockedAt: true } });
  const lastServed = new Map(served.map((row) => [row.ownerKey!, row._max.lockedAt?.getTime() ?? -Infinity]));
  const ahead = [...jobsAheadInLane(job, pending, lastServed), ...(lane === "baseline" ? pending.filter((j) => j.lane !== "baseline") : [])];

  const measuredSeconds = new Map<JobLane, number | null>();
  for (const l of new Set<JobLane>([lane, ...ahead.map((j) => j.lane as JobLane)])) measuredSeconds.set(l, await laneJobSeconds(prisma, l));
  let measured = true;
  const secondsOf = (j: { lane: string; estimatedSeconds: number | null }) => {
    if (j.estimatedSeconds) return j.estimatedSeconds;
    const seconds = measuredSeconds.get(j.lane as JobLane);
    if (seconds != null) return seconds;
    measured = false;
    return ASSUMED_SECONDS[j.lane as JobLane] ?? ASSUMED_SECONDS.score;
  };
  const waiting = ahead.reduce((sum, j) => sum + secondsOf(j), 0);
  const left = running.reduce((sum, j) => sum + Math.max(0, secondsOf(j) - (now.getTime() - (j.lockedAt?.getTime() ?? now.getTime())) / 1000), 0);
  // The lane's slots: as many as it holds now when it runs at all, else one per live worker.
  const slots = Math.max(1, running.length || liveWorkers);
  const position = ahead.length + 1;
  const etaSeconds = liveWorkers === 0 ? null : Math.round((waiting + left) / slots);
  return { lane, position, etaSeconds, liveWorkers, measured };
}
