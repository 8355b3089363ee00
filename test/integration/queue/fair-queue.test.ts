/**
 * Fair queueing on real PostgreSQL: lanes (a long definition never holds the slot scoring needs),
 * turns between students within a lane, baselines last, the training-time rule before a
 * definition is queued, and the queue's position/ETA. The claim order is claimJob's SQL and the
 * worker's lanesToClaim, as the worker runs them; one test runs the real worker end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "@/lib/db";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { claimJob, enqueueEvaluation, settleJob } from "@/lib/queue/queue";
import { lanesToClaim, ownerKeyOf, type JobLane } from "@/lib/queue/lanes";
import { measuredTrainingSpeed, queueEstimate, trainingRateOfReport } from "@/lib/queue/estimates";
import { trainingTimeDecision } from "@/lib/submissions/admission";
import { createSubmission } from "@/lib/submissions/create-submission";
import { AppError } from "@/lib/errors";
import { startWorker } from "@/worker/worker";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";

let database: TestDatabase;
let competitionId: string;
const users: Record<string, string> = {};

const MLP_ARCHITECTURE = {
  class_name: "Sequential",
  config: {
    name: "mlp",
    layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, 28, 28, 1], dtype: "float32", name: "input" } },
      { class_name: "Flatten", config: { name: "flatten" } },
      { class_name: "Dense", config: { name: "hidden", units: 64, activation: "relu" } },
      { class_name: "Dense", config: { name: "out", units: 10, activation: "softmax" } },
    ],
  },
  keras_version: "2.15.0",
  backend: "tensorflow",
};
const definitionFiles = () => [{ name: "model.json", data: new TextEncoder().encode(JSON.stringify(MLP_ARCHITECTURE)) }];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  const competition = await database.prisma.competition.update({
    where: { slug: "mnist" },
    data: { trainingBudget: { maxEpochs: 20, maxSeconds: 600, maxParams: 1_000_000, maxTrainExamples: 2000 }, dailyLimit: 100 },
  });
  competitionId = competition.id;
  for (const email of ["ada@holdout.test", "alan@holdout.test", "instructor@holdout.test"]) {
    users[email.split("@")[0]] = (await database.prisma.user.findUniqueOrThrow({ where: { email } })).id;
  }
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

/** A queued submission with its job, written as createSubmission writes them (without the upload check). */
async function queued(userId: string, lane: JobLane, options: { estimatedSeconds?: number } = {}): Promise<{ submissionId: string; job: Job }> {
  return database.prisma.$transaction(async (tx) => {
    const submission = await tx.submission.create({ data: { competitionId, userId, kind: lane === "train" ? "DEFINITION" : "WEIGHTS" } });
    const job = await enqueueEvaluation(tx, { version: 1, submissionId: submission.id }, { lane, ownerKey: ownerKeyOf(submission), estimatedSeconds: options.estimatedSeconds });
    return { submissionId: submission.id, job };
  });
}

/** Claims as a worker with `slots` slots does, holding the claimed jobs (running) until released. */
function simulatedWorker(id: string, slots: number) {
  const running = new Map<string, string>();
  return {
    running,
    async claim(): Promise<Job | null> {
      const job = await claimJob(database.prisma, id, lanesToClaim(slots, [...running.values()]));
      if (job) running.set(job.id, job.lane);
      return job;
    },
    async finish(jobId: string) {
      running.delete(jobId);
      await settleJob(database.prisma, jobId, id, { status: "SUCCEEDED" });
    },
  };
}

async function clearQueue() {
  await database.prisma.job.deleteMany({});
  await database.prisma.submission.deleteMany({});
}

describe("lanes: a worker with N slots keeps one for scoring", () => {
  it("a long definition queued first does not delay a scoring job: the second slot scores", async () => {
    await clearQueue();
    const definitionA = await queued(users.ada, "train", { estimatedSeconds: 1800 });
    const definitionB = await queued(users.alan, "train", { estimatedSeconds: 1800 });
    const upload = await queued(users.alan, "score");
    const worker = simulatedWorker("w-two-slots", 2);
    const first = await worker.claim();
    const second = await worker.claim();
    // The longest job starts first (it finishes last), and the last free slot goes to scoring,
    // although another definition was queued before the upload.
    expect(first?.id).toBe(definitionA.job.id);
    expect(second?.id).toBe(upload.job.id);
    expect(await worker.claim()).toBeNull(); // both slots busy
    await worker.finish(upload.job.id);
    // With one definition running, the free slot still takes only scoring: the second definition waits.
    expect(await worker.claim()).toBeNull();
    await worker.finish(definitionA.job.id);
    expect((await worker.claim())?.id).toBe(definitionB.job.id);
  });

  it("a one-slot worker scores first and trains when no scoring waits", async () => {
    await clearQueue();
    const definition = await queued(users.ada, "train");
    const upload = await queued(users.alan, "score");
    const worker = simulatedWorker("w-one-slot", 1);
    expect((await worker.claim())?.id).toBe(upload.job.id);
    await worker.finish(upload.job.id);
    expect((await worker.claim())?.id).toBe(definition.job.id);
  });

  it("baselines (and rescoring) run only when no score or train job waits, and never take the scoring slot", async () => {
    await clearQueue();
    const baseline = await queued(users.instructor, "baseline");
    const definition = await queued(users.ada, "train");
    const upload = await queued(users.alan, "score");
    const worker = simulatedWorker("w-baseline", 2);
    expect((await worker.claim())?.id).toBe(definition.job.id);
    expect((await worker.claim())?.id).toBe(upload.job.id);
    await worker.finish(upload.job.id);
    // One long job runs: the baseline may not take the last slot.
    expect(await worker.claim()).toBeNull();
    await worker.finish(definition.job.id);
    expect((await worker.claim())?.id).toBe(baseline.job.id);
  });
});

describe("turns within a lane", () => {
  it("a student with ten queued uploads does not delay a classmate's first", async () => {
    await clearQueue();
    const adas = [];
    for (let i = 0; i < 10; i++) adas.push(await queued(users.ada, "score"));
    const alans = await queued(users.alan, "score");
    // Ada's first is ahead (queued first, neither served yet); Alan's is next, not eleventh.
    expect((await queueEstimate(database.prisma, alans.submissionId))?.position).toBe(2);
    expect((await queueEstimate(database.prisma, adas[9].submissionId))?.position).toBe(11);
    const worker = simulatedWorker("w-turns", 1);
    const order: string[] = [];
    for (let i = 0; i < 11; i++) {
      const job = await worker.claim();
      order.push(job!.submissionId!);
      await worker.finish(job!.id);
    }
    expect(order.indexOf(alans.submissionId)).toBe(1);
    expect(order.filter((id) => id !== alans.submissionId)).toEqual(adas.map((a) => a.submissionId));
  });

  it("owners alternate, the one served longest ago first; a team is one owner", async () => {
    await clearQueue();
    const ada = [await queued(users.ada, "score"), await queued(users.ada, "score")];
    const alan = [await queued(users.alan, "score"), await queued(users.alan, "score")];
    const worker = simulatedWorker("w-alternate", 1);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const job = await worker.claim();
      order.push(job!.submissionId!);
      await worker.finish(job!.id);
    }
    expect(order).toEqual([ada[0].submissionId, alan[0].submissionId, ada[1].submissionId, alan[1].submissionId]);
    // Alan was served last: with a new upload of each queued (Alan's first), Ada's goes first.
    const alanNext = await queued(users.alan, "score");
    const adaNext = await queued(users.ada, "score");
    expect((await queueEstimate(database.prisma, adaNext.submissionId))?.position).toBe(1);
    expect((await queueEstimate(database.prisma, alanNext.submissionId))?.position).toBe(2);
    expect((await worker.claim())?.submissionId).toBe(adaNext.submissionId);
    expect(ownerKeyOf({ userId: "u1", teamId: "t1" })).toBe("team:t1");
    expect(ownerKeyOf({ userId: "u1", teamId: null })).toBe("user:u1");
  });

  it("the ETA comes from the lane's backlog and measured job times, and needs a live worker", async () => {
    await clearQueue();
    await database.prisma.worker.deleteMany({});
    const first = await queued(users.ada, "score");
    const second = await queued(users.alan, "score");
    expect(await queueEstimate(database.prisma, second.submissionId)).toMatchObject({ position: 2, etaSeconds: null, liveWorkers: 0 });
    await database.prisma.worker.create({ data: { id: "w-live", hostname: "test", pid: 1 } });
    // No finished score job yet: an assumed time, and it says so.
    expect(await queueEstimate(database.prisma, second.submissionId)).toMatchObject({ position: 2, measured: false, liveWorkers: 1 });
    // Three measured score jobs of 20 s each (claimed -> finished).
    const now = Date.now();
    for (let i = 0; i < 3; i++) {
      const done = await queued(users.instructor, "score");
      await database.prisma.job.update({ where: { id: done.job.id }, data: { status: "SUCCEEDED", lockedAt: new Date(now - 60_000), finishedAt: new Date(now - 40_000) } });
    }
    const estimate = await queueEstimate(database.prisma, second.submissionId, new Date(now));
    expect(estimate).toMatchObject({ lane: "score", position: 2, measured: true, etaSeconds: 20 });
    expect((await queueEstimate(database.prisma, first.submissionId, new Date(now)))?.etaSeconds).toBe(0);
    await database.prisma.worker.deleteMany({});
  });
});

describe("training time before a definition is queued", () => {
  const work = { flopsPerExample: 100_000, examples: 1800, epochs: 10 };

  it("reads the workers' speed from trained definitions' reports", async () => {
    await clearQueue();
    expect(await measuredTrainingSpeed(database.prisma)).toBeNull();
    // A definition trained here: 100 kFLOPs per example, 1,800 examples, two full epochs of 2 s and
    // one cut short by the budget (left out): 3 x 1e5 x 1800 x 2 / 4 s = 2.7e8 FLOP/s.
    const submission = await database.prisma.submission.create({ data: { competitionId, userId: users.ada, kind: "DEFINITION", status: "SCORED" } });
    const report = {
      summary: { name: "mlp", format: "architecture", kind: "sequential", layers: [], totalParams: 50890, trainableParams: 50890, nonTrainableParams: 0, inputShape: [28, 28, 1], outputShape: [10], flopsPerExample: 100_000, output: "probabilities" },
      curves: {
        source: "training",
        epochs: [
          { epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 2 },
          { epoch: 2, loss: 0.5, accuracy: 0.8, valLoss: 0.6, valAccuracy: 0.8, seconds: 2 },
          { epoch: 3, loss: 0.4, accuracy: 0.85, valLoss: 0.5, valAccuracy: 0.83, seconds: 0.5, partial: true },
        ],
        bestEpoch: 3,
        overfitStartEpoch: null,
        generalizationGap: [0, 0.1, 0.1],
      },
      splitInfo: { training: { trainCount: 1800, validationCount: 200, validationSplit: 0.1, leftOut: 0, seed: 1 }, classNames: [], warnings: [] },
    };
    expect(trainingRateOfReport(report)).toBeCloseTo(2.7e8, -3);
    await database.prisma.report.create({ data: { submissionId: submission.id, ...report } });
    const speed = await measuredTrainingSpeed(database.prisma);
    expect(speed?.samples).toBe(1);
    expect(speed?.flopsPerSecond).toBeCloseTo(2.7e8, -3);
  });

  it("refuses with the estimate when it cannot finish in the budget, and says how many epochs fit", () => {
    const speed = { flopsPerSecond: 2.7e8, samples: 1 };
    // 3 x 1e5 x 1800 x 10 / 2.7e8 = 20 s of training.
    const fits = trainingTimeDecision(work, speed, 60);
    expect(fits.refusal).toBeNull();
    expect(fits.estimatedSeconds).toBeCloseTo(20, 5);
    expect(fits.warning).toMatch(/about 20 s .*10 epochs of 1,800 examples.* of the 60 s budget/);
    const tooLong = trainingTimeDecision(work, speed, 15);
    expect(tooLong.refusal).toMatch(/would take about 20 s .*training budget is 15 s\. Ask for at most 7 epochs/);
    expect(trainingTimeDecision(work, null, 15)).toMatchObject({ estimatedSeconds: null, refusal: null });
    expect(trainingTimeDecision(work, null, 15).warning).toMatch(/cannot estimate/);
  });

  it("createSubmission refuses a definition over the budget before storing anything, and queues one that fits in the train lane", { timeout: 120_000 }, async () => {
    // The measured speed above makes the MLP (about 100 kFLOPs per example) on 1,800 examples
    // take about 2 s per epoch: 20 epochs do not fit a 30 s budget.
    await database.prisma.competition.update({ where: { id: competitionId }, data: { trainingBudget: { maxEpochs: 20, maxSeconds: 30, maxParams: 1_000_000, maxTrainExamples: 1800 } } });
    const before = await database.prisma.submission.count();
    const refused = await createSubmission(database.prisma, { userId: users.alan, competitionSlug: "mnist", kind: "definition", trainingSettings: { epochs: 20, validationSplit: 0.1 }, files: definitionFiles() }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toMatch(/Training this definition would take about \d+ s .*training budget is 30 s\. Ask for at most \d+ epochs/);
    expect(await database.prisma.submission.count()).toBe(before);

    const accepted = await createSubmission(database.prisma, { userId: users.alan, competitionSlug: "mnist", kind: "definition", trainingSettings: { epochs: 2, validationSplit: 0.1 }, files: definitionFiles() });
    expect(accepted.warnings.join("\n")).toMatch(/Training should take about \d+ s .* of the 30 s budget/);
    const job = await database.prisma.job.findFirstOrThrow({ where: { submissionId: accepted.submission.id } });
    expect(job).toMatchObject({ lane: "train", ownerKey: `user:${users.alan}` });
    expect(job.estimatedSeconds).toBeGreaterThan(0);
  });
});

describe("the real worker", () => {
  it("with two slots, scores an upload queued behind two definitions while the first one trains", { timeout: 300_000 }, async () => {
    await clearQueue();
    await database.prisma.competition.update({ where: { id: competitionId }, data: { trainingBudget: { maxEpochs: 20, maxSeconds: 600, maxParams: 1_000_000, maxTrainExamples: 2000 } } });
    const fixture = FIXTURE_MODELS.tfjsLayersMnist;
    const adaDefinition = await createSubmission(database.prisma, { userId: users.ada, competitionSlug: "mnist", kind: "definition", trainingSettings: { epochs: 6, validationSplit: 0.1 }, files: definitionFiles() });
    const alanDefinition = await createSubmission(database.prisma, { userId: users.alan, competitionSlug: "mnist", kind: "definition", trainingSettings: { epochs: 1, validationSplit: 0.1 }, files: definitionFiles() });
    const upload = await createSubmission(database.prisma, { userId: users.alan, competitionSlug: "mnist", kind: "weights", preprocessing: fixture.preprocessing, files: await fixtureModelFiles(fixture.dir) });
    const worker = startWorker({ prisma: database.prisma, concurrency: 2, backend: "auto", pollIntervalMs: 200, log: process.env.HOLDOUT_DEBUG ? console.log : () => {} });
    try {
      const ids = [adaDefinition, alanDefinition, upload].map((created) => created.submission.id);
      const deadline = Date.now() + 280_000;
      for (;;) {
        const statuses = await database.prisma.submission.findMany({ where: { id: { in: ids } }, select: { status: true } });
        if (statuses.every((s) => ["SCORED", "FAILED"].includes(s.status))) break;
        if (Date.now() > deadline) throw new Error(`still running: ${statuses.map((s) => s.status).join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      await worker.stop();
    }
    const jobOf = async (id: string) => database.prisma.job.findFirstOrThrow({ where: { submissionId: id } });
    const [ada, alan, scoring] = await Promise.all([jobOf(adaDefinition.submission.id), jobOf(alanDefinition.submission.id), jobOf(upload.submission.id)]);
    expect([ada.lastError, alan.lastError, scoring.lastError]).toEqual([null, null, null]);
    expect([ada.status, alan.status, scoring.status]).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    // The upload started before the second definition (queued before it) and while the first trained.
    expect(scoring.lockedAt!.getTime()).toBeLessThan(alan.lockedAt!.getTime());
    expect(scoring.lockedAt!.getTime()).toBeLessThan(ada.finishedAt!.getTime());
    // And the second definition waited for the first: train jobs never hold both slots.
    expect(alan.lockedAt!.getTime()).toBeGreaterThanOrEqual(ada.finishedAt!.getTime());
  });
});
