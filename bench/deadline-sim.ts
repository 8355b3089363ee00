/**
 * The deadline rush, simulated from this run's measurements: 200 students x 3 uploads queued at
 * the deadline (half MNIST, half CIFAR-10 files; 10% of uploads are definitions), run by one
 * worker with 1 or 2 slots, until the last file is scored. Nothing is trained or scored here:
 * each job's time comes from the rates `npm run bench` measured a moment before (scoring with
 * the engine that scores jobs, training on TF.js, per-job start-up), and the order jobs start in
 * is the real claim policy: lanesToClaim from lib/queue/lanes.ts as the worker calls it, and
 * claimJob's turn rule (the owner served longest ago first, then the oldest job) replayed in
 * memory. The plain FIFO the queue had before is shown beside it.
 */
import { DEFAULT_TRAINING_BUDGET } from "@/lib/competitions/defaults";
import { lanesToClaim, type JobLane } from "@/lib/queue/lanes";
import { mulberry32 } from "@/lib/random";
import type { BenchReport } from "./run-bench";

const STUDENTS = 200;
const UPLOADS_PER_STUDENT = 3;
const DEFINITION_SHARE = 0.1;
/** Epochs a definition asks for; cut to what fits the budget (the upload is refused when not even one does). */
const EPOCHS_ASKED = 5;
const TEST_EXAMPLES = 10_000;
/** Training rows of the official splits less the 10% validation split a definition keeps by default. */
const TRAIN_EXAMPLES = { mnist: 54_000, cifar: 45_000 } as const;
const MODEL_OF = { mnist: "mnist-cnn", cifar: "cifar-cnn" } as const;

type Dataset = keyof typeof TRAIN_EXAMPLES;

interface SimJob {
  id: number;
  owner: number;
  lane: JobLane;
  seconds: number;
}

export interface SlotRates {
  /** Test examples scored per second by one job. */
  score: Record<Dataset, number>;
  /** Training examples per second of one job. */
  train: Record<Dataset, number>;
}

export interface DeadlineRun {
  slots: number;
  /** "fair lanes, lending": the same, except that a slot kept for scoring trains while no scoring waits (a what-if, not the worker's policy). */
  policy: "fair lanes" | "fair lanes, lending" | "FIFO";
  lastScoredSeconds: number;
  /** Seconds from the deadline until a trained model's job started: median, 95th percentile, max. */
  scoreWait: { p50: number; p95: number; max: number };
  /** The same for every student's first upload (any lane). */
  firstUploadWait: { p50: number; max: number };
}

export interface DeadlineSimulation {
  uploads: number;
  definitions: number;
  /** Definitions whose single epoch does not fit the budget: refused at upload, not queued. */
  refusedDefinitions: number;
  overheadSeconds: number;
  rates: Record<1 | 2, SlotRates>;
  runs: DeadlineRun[];
  note: string | null;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Per-job rates on this machine, from the bench report. */
function ratesFor(report: BenchReport): SlotRates | null {
  const score = {} as Record<Dataset, number>;
  const train = {} as Record<Dataset, number>;
  for (const dataset of ["mnist", "cifar"] as const) {
    const m = report.models.find((r) => r.name === MODEL_OF[dataset]);
    if (!m) return null;
    // One thread per job in both cases, so 1 and 2 slots differ only in how many jobs run at once:
    // scoring at ONNX Runtime's one-thread rate per CPU-second (a job has its core whatever else
    // runs on a shared machine); training at TF.js's one-thread rate. A lone job's second thread
    // (ORT's 2 threads, data-parallel training) is not counted: on a busy machine it often gains nothing.
    score[dataset] = m.onnx ? m.onnx.oneThread.examplesPerCpuSecond : m.scoreExamplesPerSecond;
    train[dataset] = m.trainExamplesPerSecond;
  }
  return { score, train };
}

function makeJobs(rates: SlotRates, overheadSeconds: number, seed: number): { jobs: SimJob[]; definitions: number; refused: number } {
  const random = mulberry32(seed);
  const budget = DEFAULT_TRAINING_BUDGET.maxSeconds;
  const uploads: Array<{ owner: number; dataset: Dataset; definition: boolean }> = [];
  for (let owner = 0; owner < STUDENTS; owner++) {
    for (let i = 0; i < UPLOADS_PER_STUDENT; i++) uploads.push({ owner, dataset: random() < 0.5 ? "mnist" : "cifar", definition: random() < DEFINITION_SHARE });
  }
  // The rush: uploads reach the queue in no particular order.
  for (let i = uploads.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [uploads[i], uploads[j]] = [uploads[j], uploads[i]];
  }
  const jobs: SimJob[] = [];
  let definitions = 0;
  let refused = 0;
  for (const upload of uploads) {
    const scoring = TEST_EXAMPLES / rates.score[upload.dataset];
    if (!upload.definition) {
      jobs.push({ id: jobs.length, owner: upload.owner, lane: "score", seconds: overheadSeconds + scoring });
      continue;
    }
    definitions++;
    const epochSeconds = TRAIN_EXAMPLES[upload.dataset] / rates.train[upload.dataset];
    const epochs = Math.min(EPOCHS_ASKED, Math.floor(budget / epochSeconds));
    if (epochs < 1) {
      refused++;
      continue;
    }
    jobs.push({ id: jobs.length, owner: upload.owner, lane: "train", seconds: overheadSeconds + epochs * epochSeconds + scoring });
  }
  return { jobs, definitions, refused };
}

function run(jobs: SimJob[], slots: number, policy: DeadlineRun["policy"]): DeadlineRun {
  const pending = [...jobs];
  const running: Array<{ job: SimJob; endsAt: number }> = [];
  const lastServed = new Map<string, number>();
  const started = new Map<number, number>();
  let claims = 0;
  let now = 0;
  for (;;) {
    // Fill free slots as the worker does: one claim at a time, each with the lanes its slots allow.
    while (running.length < slots && pending.length > 0) {
      let pick: SimJob | undefined;
      if (policy === "FIFO") pick = pending[0];
      else {
        let lanes = lanesToClaim(slots, running.map((r) => r.job.lane));
        if (policy === "fair lanes, lending" && lanes.length === 1 && !pending.some((job) => job.lane === "score")) lanes = ["train", "baseline"];
        const served = (job: SimJob) => lastServed.get(`${job.lane}:${job.owner}`) ?? -Infinity;
        pick = pending
          .filter((job) => lanes.includes(job.lane))
          .sort((a, b) => lanes.indexOf(a.lane) - lanes.indexOf(b.lane) || served(a) - served(b) || a.id - b.id)[0];
      }
      if (!pick) break;
      pending.splice(pending.indexOf(pick), 1);
      lastServed.set(`${pick.lane}:${pick.owner}`, claims++);
      started.set(pick.id, now);
      running.push({ job: pick, endsAt: now + pick.seconds });
    }
    if (running.length === 0) break;
    running.sort((a, b) => a.endsAt - b.endsAt);
    now = running.shift()!.endsAt;
  }
  const scoreWaits = jobs.filter((job) => job.lane === "score").map((job) => started.get(job.id)!).sort((a, b) => a - b);
  const firstOf = new Map<number, number>();
  for (const job of jobs) if (!firstOf.has(job.owner)) firstOf.set(job.owner, started.get(job.id)!);
  const firsts = [...firstOf.values()].sort((a, b) => a - b);
  return {
    slots,
    policy,
    lastScoredSeconds: now,
    scoreWait: { p50: quantile(scoreWaits, 0.5), p95: quantile(scoreWaits, 0.95), max: scoreWaits[scoreWaits.length - 1] ?? 0 },
    firstUploadWait: { p50: quantile(firsts, 0.5), max: firsts[firsts.length - 1] ?? 0 },
  };
}

/** The simulation for 1 and 2 slots, from the bench report and the measured per-job start-up. */
export function simulateDeadline(report: BenchReport, overheadSeconds: number, seed = 20261130): DeadlineSimulation {
  const one = ratesFor(report);
  const two = ratesFor(report);
  if (!one || !two) {
    return { uploads: 0, definitions: 0, refusedDefinitions: 0, overheadSeconds, rates: {} as DeadlineSimulation["rates"], runs: [], note: "deadline simulation skipped: it needs the mnist-cnn and cifar-cnn measurements (run without --models)" };
  }
  const runs: DeadlineRun[] = [];
  let counts = { uploads: 0, definitions: 0, refused: 0 };
  for (const [slots, rates] of [[1, one], [2, two]] as const) {
    const { jobs, definitions, refused } = makeJobs(rates, overheadSeconds, seed);
    counts = { uploads: STUDENTS * UPLOADS_PER_STUDENT, definitions, refused };
    runs.push(run(jobs, slots, "fair lanes"), ...(slots > 1 ? [run(jobs, slots, "fair lanes, lending")] : []), run(jobs, slots, "FIFO"));
  }
  return { uploads: counts.uploads, definitions: counts.definitions, refusedDefinitions: counts.refused, overheadSeconds, rates: { 1: one, 2: two }, runs, note: null };
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function formatDeadline(sim: DeadlineSimulation): string {
  if (sim.note) return sim.note;
  const lines = [
    `Deadline simulation (SIMULATED from this run's measured rates, not run; claim order = lanesToClaim (lib/queue/lanes.ts) + claimJob's owner turns, replayed in memory):`,
    `  ${STUDENTS} students x ${UPLOADS_PER_STUDENT} uploads queued at the deadline, half MNIST (LeNet-style CNN) / half CIFAR-10 (course CNN) files, ${sim.definitions} definitions (${EPOCHS_ASKED} epochs asked, cut to what fits the ${DEFAULT_TRAINING_BUDGET.maxSeconds / 60}-min budget; ${sim.refusedDefinitions} refused at upload: not one epoch fits), one worker.`,
    `  Per job: ${sim.overheadSeconds.toFixed(1)} s start-up (measured \`holdout score\` overhead + model load) + 10k test images; definitions also train on TF.js.`,
    ...([1, 2] as const).map((slots) => {
      const r = sim.rates[slots];
      return `  Rates with ${slots} slot${slots === 1 ? "" : "s"} (one thread per job): scoring ${r.score.mnist.toFixed(0)} / ${r.score.cifar.toFixed(0)} ex/s, training ${r.train.mnist.toFixed(0)} / ${r.train.cifar.toFixed(0)} ex/s (MNIST / CIFAR-10).`;
    }),
    "",
    ["slots", "policy", "last file scored after", "trained-model wait p50 / p95 / max", "first upload of each student: p50 / max"].join("  |  "),
    ...sim.runs.map((r) =>
      [String(r.slots), r.policy, duration(r.lastScoredSeconds), `${duration(r.scoreWait.p50)} / ${duration(r.scoreWait.p95)} / ${duration(r.scoreWait.max)}`, `${duration(r.firstUploadWait.p50)} / ${duration(r.firstUploadWait.max)}`].join("  |  "),
    ),
  ];
  return lines.join("\n");
}
