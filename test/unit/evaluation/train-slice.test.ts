/**
 * "Trained on the test set?": the child's task (lib/evaluation/task.ts, what dist/child.mjs runs
 * for every job) also scores each model on a fixed slice of the official training data. A small
 * MLP this test trains on MNIST's test set is flagged; a real fixture model is not. The same run
 * checks the per-example results the worker stores (bitsets and public predictions).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitPublicPrivate } from "@/lib/datasets";
import { saveModelToMemory } from "@/lib/engine/save-to-memory";
import { runEvaluationTask, TRAIN_SLICE_SIZE, trainSliceIndices, type EvaluationResult } from "@/lib/evaluation";
import { contaminationCheck } from "@/lib/leaderboard/statistics";
import { bitAt, countBits } from "@/lib/scoring";
import type { EvaluationTask } from "@/lib/sandbox/protocol";
import { fixtureModelFiles, FIXTURE_MODELS } from "@/test/helpers/fixtures";
import { mnistTest, useWasmBackend } from "@/test/unit/models/helpers/data";

let dir: string;
beforeAll(async () => {
  await useWasmBackend();
  dir = await mkdtemp(path.join(os.tmpdir(), "holdout-train-slice-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function runTask(name: string, files: Array<{ name: string; data: Uint8Array }>, preprocessing: "1/255" | "raw"): Promise<EvaluationResult> {
  const filesDir = path.join(dir, name);
  await import("node:fs/promises").then((fs) => fs.mkdir(filesDir));
  for (const file of files) await writeFile(path.join(filesDir, file.name), file.data);
  const task: EvaluationTask = {
    submissionId: name,
    kind: "WEIGHTS",
    filesDir,
    files: files.map((file) => ({ name: file.name, role: "model" })),
    preprocessing,
    trainingSettings: null,
    dataset: { id: "mnist" },
    split: { seed: 20261128, publicFraction: 0.3 },
    budget: { maxEpochs: 1, maxSeconds: 60, maxParams: 5_000_000 },
    limits: { maxParams: 5_000_000, maxFlops: 1e9, timeoutSeconds: 600, memoryMb: 4096 },
    backend: "wasm",
    cpuShare: 1,
  };
  return runEvaluationTask(task, () => {});
}

/** A 784-128-10 MLP fitted to MNIST's test set (what a student who trains on it submits), as TF.js files. */
async function mlpTrainedOnTestSet(): Promise<Array<{ name: string; data: Uint8Array }>> {
  const test = mnistTest();
  const x = tf.tidy(() => tf.tensor2d(Float32Array.from(test.images, (v) => v / 255), [test.count, 784]));
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(test.labels, "int32"), 10));
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 128, activation: "relu" }), tf.layers.dense({ units: 10, activation: "softmax" })] });
  model.compile({ optimizer: tf.train.adam(0.002), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  await model.fit(x, y, { epochs: 6, batchSize: 128, shuffle: true, verbose: 0 });
  tf.dispose([x, y]);
  const artifacts = await saveModelToMemory(model);
  model.dispose();
  const json = { format: "layers-model", modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }] };
  return [
    { name: "model.json", data: new TextEncoder().encode(JSON.stringify(json)) },
    { name: "weights.bin", data: new Uint8Array(artifacts.weightData as ArrayBuffer) },
  ];
}

function verdictOf(result: EvaluationResult) {
  expect(result.trainSlice).toBeTruthy();
  return contaminationCheck({ accuracy: result.overall.accuracy, n: result.overall.examples }, { accuracy: result.trainSlice!.accuracy, n: result.trainSlice!.examples });
}

describe("scoring on a slice of the training data", () => {
  it("the slice is 2,000 evenly spread training examples", () => {
    const indices = trainSliceIndices(60_000);
    expect(indices.length).toBe(TRAIN_SLICE_SIZE);
    expect([indices[0], indices[1], indices[1999]]).toEqual([0, 30, 59_970]);
  });

  it("a real fixture model is not flagged, and its per-example results match its scores", { timeout: 300_000 }, async () => {
    const fixture = FIXTURE_MODELS.tfjsLayersMnist;
    const result = await runTask("fixture", await fixtureModelFiles(fixture.dir), fixture.preprocessing);
    expect(result.overall.accuracy.toFixed(4)).toBe(fixture.accuracy.toFixed(4));
    expect(result.trainSlice!.examples).toBe(2000);
    const verdict = verdictOf(result);
    expect(verdict.flagged).toBe(false);
    // Per-example results: one bit per example of each split, one predicted class per public example.
    const perExample = result.perExample!;
    expect(perExample.publicCorrect.length).toBe(Math.ceil(3000 / 8));
    expect(perExample.privateCorrect.length).toBe(Math.ceil(7000 / 8));
    expect(countBits(perExample.publicCorrect, 3000)).toBe(Math.round(result.public.accuracy * 3000));
    expect(countBits(perExample.privateCorrect, 7000)).toBe(Math.round(result.private.accuracy * 7000));
    expect(perExample.publicPredictions.length).toBe(3000);
    // Misclassified examples (indices into the test set) are wrong in the bitset at their public position, with the same prediction.
    const { publicIndices } = splitPublicPrivate(mnistTest().labels, { seed: 20261128, publicFraction: 0.3 });
    expect(result.misclassified.length).toBeGreaterThan(0);
    for (const example of result.misclassified) {
      const position = Array.from(publicIndices).indexOf(example.index);
      expect(position).toBeGreaterThanOrEqual(0);
      expect(bitAt(perExample.publicCorrect, position)).toBe(false);
      expect(perExample.publicPredictions[position]).toBe(example.predicted);
    }
  });

  it("an MLP trained on MNIST's test set is flagged, with both numbers", { timeout: 300_000 }, async () => {
    const result = await runTask("trained-on-test", await mlpTrainedOnTestSet(), "1/255");
    const verdict = verdictOf(result);
    expect(verdict.flagged).toBe(true);
    expect(result.overall.accuracy).toBeGreaterThan(result.trainSlice!.accuracy);
    console.log(`trained on the test set: test ${result.overall.accuracy.toFixed(4)}, training slice ${result.trainSlice!.accuracy.toFixed(4)}, margin ${verdict.margin.toFixed(4)}`);
  });
});
