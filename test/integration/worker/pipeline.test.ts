import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSubmission } from "@/lib/submissions/create-submission";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import type { SplitMetrics, CurveSummary, MisclassifiedExample } from "@/lib/evaluation/schemas";
import { describeTrainingSplit, readReportColumn, splitInfoSchema } from "@/lib/evaluation";
import { splitPublicPrivate, loadDataset } from "@/lib/datasets";
import { countBits } from "@/lib/scoring";
import { startWorker, type RunningWorker } from "@/worker/worker";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";

let database: TestDatabase;
let worker: RunningWorker;
let studentId: string;

async function waitForFinal(submissionId: string, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const submission = await database.prisma.submission.findUniqueOrThrow({ where: { id: submissionId }, include: { score: true, report: true, jobs: true } });
    if (["SCORED", "FAILED", "CANCELLED"].includes(submission.status)) return submission;
    if (Date.now() > deadline) throw new Error(`submission still ${submission.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// A small MLP as Keras's model.to_json() writes it: the definition track trains it.
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

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  // Train on a small subset so the definition test takes seconds on two cores.
  await database.prisma.competition.update({ where: { slug: "mnist" }, data: { trainingBudget: { maxEpochs: 5, maxSeconds: 120, maxParams: 1_000_000, maxTrainExamples: 3000 } } });
  studentId = (await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } })).id;
  worker = startWorker({ prisma: database.prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, log: process.env.HOLDOUT_DEBUG ? console.log : () => {} });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await database?.drop();
});

describe("submit -> queue -> worker -> scores and report", () => {
  /** The CNN's accuracy on public images shifted 3 px (first test), against the MLP's (second). */
  let cnnShift3 = Number.NaN;
  it("scores a real TF.js model at exactly the accuracy it earns, split into public and private", { timeout: 300_000 }, async () => {
    const fixture = FIXTURE_MODELS.tfjsLayersMnist;
    const { submission } = await createSubmission(database.prisma, { userId: studentId, competitionSlug: "mnist", kind: "weights", preprocessing: fixture.preprocessing, files: await fixtureModelFiles(fixture.dir) });
    expect(submission.status).toBe("QUEUED");
    const done = await waitForFinal(submission.id);
    expect(done.failureReason).toBeNull();
    expect(done.status).toBe("SCORED");
    const metrics = done.report!.metrics as unknown as SplitMetrics;
    const privateMetrics = done.report!.privateMetrics as unknown as SplitMetrics;
    expect(metrics.examples).toBe(3000);
    expect(privateMetrics.examples).toBe(7000);
    // Public and private together are the whole official test set: the model's real accuracy.
    const correct = Math.round(done.score!.publicScore * 3000) + Math.round(done.score!.privateScore * 7000);
    expect((correct / 10000).toFixed(4)).toBe(fixture.accuracy.toFixed(4));
    expect(metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(3000);
    // Scored by ONNX Runtime inside the sandboxed child (--allow-addons), the report says so.
    expect(done.report!.backend).toBe("onnxruntime");
    expect(splitInfoSchema.parse(done.report!.splitInfo).engine?.label).toMatch(/^onnxruntime \(cpu, [12] threads?\)$/);
    expect(done.jobs.map((job) => job.status)).toEqual(["SUCCEEDED"]);
    // Per-example results stored on the Score (server only): one bit per example of each split, one class per public example;
    // and the training-slice accuracy of the "trained on the test set?" check (official test set).
    expect(done.score!.publicCorrect!.length).toBe(Math.ceil(3000 / 8));
    expect(countBits(new Uint8Array(done.score!.publicCorrect!), 3000)).toBe(Math.round(done.score!.publicScore * 3000));
    expect(countBits(new Uint8Array(done.score!.privateCorrect!), 7000)).toBe(Math.round(done.score!.privateScore * 7000));
    expect(done.score!.publicPredictions!.length).toBe(3000);
    expect(done.score!.trainSliceScore).toBeGreaterThan(0.98);
    expect(done.score!.ladderPublicScore).toBeNull();
    // The robustness panel, computed in the child after scoring, stored through its schema.
    const panel = readReportColumn("robustness", done.report!.robustness)!;
    expect(panel.examples).toBe(1000);
    expect(panel.engine).toBe("onnxruntime");
    cnnShift3 = panel.conditions.find((c) => c.id === "shift-3")!.accuracy;

    // Per-example details come from the public split only.
    const test = await loadDataset("mnist", "test");
    const { publicIndices } = splitPublicPrivate(test.labels, { seed: 20261128, publicFraction: 0.3 });
    const publicSet = new Set(publicIndices);
    const misclassified = done.report!.misclassified as unknown as MisclassifiedExample[];
    expect(misclassified.length).toBeGreaterThan(0);
    for (const example of misclassified) {
      expect(publicSet.has(example.index)).toBe(true);
      expect(example.actual).toBe(test.labels[example.index]);
      expect(example.predicted).not.toBe(example.actual);
    }
  });

  it("trains a definition on real MNIST, storing each epoch's train and validation loss", { timeout: 300_000 }, async () => {
    const { submission } = await createSubmission(database.prisma, {
      userId: studentId,
      competitionSlug: "mnist",
      kind: "definition",
      trainingSettings: { epochs: 3, batchSize: 64, learningRate: 0.002, validationSplit: 0.1 },
      files: [{ name: "model.json", data: new TextEncoder().encode(JSON.stringify(MLP_ARCHITECTURE)) }],
    });
    const done = await waitForFinal(submission.id);
    expect(done.failureReason).toBeNull();
    expect(done.status).toBe("SCORED");
    const curves = done.report!.curves as unknown as CurveSummary;
    expect(curves.source).toBe("training");
    expect(curves.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const epoch of curves.epochs) {
      expect(Number.isFinite(epoch.loss) && Number.isFinite(epoch.valLoss!)).toBe(true);
    }
    expect(curves.epochs[2].loss).toBeLessThan(curves.epochs[0].loss);
    expect(curves.bestEpoch).not.toBeNull();
    // A 64-unit MLP on 3000 images reaches well above chance.
    expect(done.score!.publicScore).toBeGreaterThan(0.8);
    // The definition's validation split is the one used: 10% of MNIST's 60,000 held out (seeded,
    // stratified), the budget's 3000 examples taken from the other 90%; the report says so.
    const splitInfo = splitInfoSchema.parse(done.report!.splitInfo);
    expect(splitInfo.training).toEqual({ trainCount: 3000, validationCount: 6000, validationSplit: 0.1, leftOut: 51_000, seed: 20261128 });
    expect(describeTrainingSplit(splitInfo.training!)).toBe("trained on 3000 (51000 left out by the training budget), validated on 6000 (10%)");
    // Trained on TF.js, then scored by ONNX Runtime on the exported trained model.
    expect(splitInfo.engine?.backend).toBe("onnxruntime");
    expect(splitInfo.engine?.skipped).toEqual([]);
    // The report says which epoch's weights were scored, and that nothing augmented the images.
    expect(curves.scoredEpoch).toBe(3);
    expect(curves.augmentation).toEqual([]);
    // What the lecture argues: the MLP loses far more under a 3-pixel shift than the CNN above.
    const panel = readReportColumn("robustness", done.report!.robustness)!;
    const mlpShift3 = panel.conditions.find((c) => c.id === "shift-3")!.accuracy;
    console.info(`[robustness] 3-pixel shift: MLP ${panel.clean} -> ${mlpShift3}, CNN -> ${cnnShift3}`);
    expect(panel.clean - mlpShift3).toBeGreaterThan(0.3);
    expect(cnnShift3).toBeGreaterThan(mlpShift3 + 0.2);
  });

  it("refuses at upload a model that cannot be scored within the time or memory limit, with a reason, and keeps serving", { timeout: 300_000 }, async () => {
    // The cost rule (lib/models/cost.ts) prices scoring before anything runs: 10,000 images of a
    // 1.2 MFLOP model cannot be scored in 1 s, so the upload is refused (nothing stored, nothing counted).
    await database.prisma.competition.update({ where: { slug: "mnist" }, data: { resourceLimits: { timeoutSeconds: 1, memoryMb: 4096 } } });
    const fixture = FIXTURE_MODELS.keras3KerasMnist;
    const before = await database.prisma.submission.count({ where: { userId: studentId } });
    await expect(createSubmission(database.prisma, { userId: studentId, competitionSlug: "mnist", kind: "weights", preprocessing: fixture.preprocessing, files: await fixtureModelFiles(fixture.dir) })).rejects.toThrow(
      /would take at least [\d,]+ s on this server .*the limit is 1 s/s,
    );

    // A 60 MB cap: the check itself is stopped by the memory watchdog (the job could not run either).
    await database.prisma.competition.update({ where: { slug: "mnist" }, data: { resourceLimits: { timeoutSeconds: 300, memoryMb: 60 } } });
    await expect(createSubmission(database.prisma, { userId: studentId, competitionSlug: "mnist", kind: "weights", preprocessing: fixture.preprocessing, files: await fixtureModelFiles(fixture.dir) })).rejects.toThrow(
      /more than the 60 MB of memory|a job may use 60 MB/,
    );
    expect(await database.prisma.submission.count({ where: { userId: studentId } })).toBe(before);

    await database.prisma.competition.update({ where: { slug: "mnist" }, data: { resourceLimits: {} } });
    const fine = await createSubmission(database.prisma, { userId: studentId, competitionSlug: "mnist", kind: "weights", preprocessing: fixture.preprocessing, files: await fixtureModelFiles(fixture.dir) });
    const scored = await waitForFinal(fine.submission.id);
    expect(scored.status).toBe("SCORED");
    const correct = Math.round(scored.score!.publicScore * 3000) + Math.round(scored.score!.privateScore * 7000);
    expect((correct / 10000).toFixed(4)).toBe(fixture.accuracy.toFixed(4));
  });
});
