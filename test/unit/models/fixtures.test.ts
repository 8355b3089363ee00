/**
 * Real models trained by other people with real Keras / TF.js (../shared/fixtures/models):
 * the score on the official 10k test set must equal the accuracy they really earn.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { evaluateSubmission } from "@/lib/evaluation";
import { validateSubmission, type SubmissionFile } from "@/lib/models";
import { cifarTest, mnistTest, readFixture, useWasmBackend } from "./helpers/data";

beforeAll(useWasmBackend);

const FIXTURES: Array<{ title: string; files: () => SubmissionFile[]; dataset: "mnist" | "cifar10"; preprocessing: "raw" | "1/255"; accuracy: number; params: number }> = [
  { title: "Keras 2.2.4 HDF5 MNIST CNN", files: () => [readFixture("keras2-h5-mnist-cnn", "mnist1.h5")], dataset: "mnist", preprocessing: "raw", accuracy: 0.9889, params: 42_358 },
  { title: "Keras 3.1.1 .keras MNIST CNN", files: () => [readFixture("keras3-keras-mnist-cnn", "mnist_model.keras")], dataset: "mnist", preprocessing: "1/255", accuracy: 0.9918, params: 34_826 },
  {
    title: "tfjs-node 1.7.2 layers model MNIST CNN",
    files: () => [readFixture("tfjs-layers-mnist-cnn", "model.json"), readFixture("tfjs-layers-mnist-cnn", "weights.bin")],
    dataset: "mnist",
    preprocessing: "1/255",
    accuracy: 0.9924,
    params: 843_658,
  },
  { title: "Keras 3.13 legacy HDF5 CIFAR-10 CNN", files: () => [readFixture("keras3-h5-cifar10-cnn", "cifar10_cnn.h5")], dataset: "cifar10", preprocessing: "1/255", accuracy: 0.7002, params: 315_722 },
];

/** The production scorer (lib/evaluation: what the worker's child runs for every job) on a fixture. */
function score(fixture: Pick<(typeof FIXTURES)[number], "files" | "dataset" | "preprocessing">) {
  return evaluateSubmission({
    kind: "WEIGHTS",
    files: fixture.files(),
    preprocessing: fixture.preprocessing,
    test: fixture.dataset === "mnist" ? mnistTest() : cifarTest(),
    datasetName: fixture.dataset,
    split: { seed: 42, publicFraction: 0.3 },
  });
}

describe("real trained models score exactly their true accuracy", () => {
  for (const fixture of FIXTURES) {
    it(`${fixture.title}: ${fixture.accuracy}`, async () => {
      const tensorsBefore = tf.memory().numTensors;
      const result = await score(fixture);
      expect(result.warnings).toEqual([]);
      expect(result.summary.totalParams).toBe(fixture.params);
      expect(result.outputKind).toBe("probabilities");
      expect(result.splitInfo.preprocessing).toBe(fixture.preprocessing);
      expect(result.overall.examples).toBe(10_000);
      expect(result.overall.accuracy.toFixed(4)).toBe(fixture.accuracy.toFixed(4));
      expect(result.overall.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10_000);
      expect(result.overall.loss).toBeGreaterThan(0);
      expect(result.overall.loss).toBeLessThan(2);
      // The public and private splits the leaderboards show partition the same predictions.
      expect(result.public.examples + result.private.examples).toBe(10_000);
      expect(result.public.examples).toBe(3_000);
      const correct = (m: typeof result.public) => m.confusion.reduce((sum, row, i) => sum + row[i], 0);
      expect(correct(result.public) + correct(result.private)).toBe(Math.round(fixture.accuracy * 10_000));
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });
  }

  it("the wrong preprocessing gives the wrong score (it is part of the submission)", async () => {
    const result = await score({ files: () => [readFixture("keras2-h5-mnist-cnn", "mnist1.h5")], dataset: "mnist", preprocessing: "1/255" });
    expect(result.overall.accuracy).toBeLessThan(0.9889);
  });

  it("validates every fixture for its competition, and refuses the CIFAR model for MNIST", async () => {
    for (const fixture of FIXTURES) {
      const result = await validateSubmission(fixture.files(), { dataset: fixture.dataset, preprocessing: fixture.preprocessing });
      expect(result.errors).toEqual([]);
      expect(result.ok).toBe(true);
    }
    const wrong = await validateSubmission([readFixture("keras3-h5-cifar10-cnn", "cifar10_cnn.h5")], { dataset: "mnist" });
    expect(wrong.ok).toBe(false);
    expect(wrong.errors[0].code).toBe("INPUT_INCOMPATIBLE");
    expect(wrong.errors[0].message).toContain("(None, 32, 32, 3)");
    expect(wrong.errors[0].message).toContain("mnist images are 28x28x1");
  });
});
