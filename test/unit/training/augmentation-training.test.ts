/**
 * Augmentation where it acts: a small CIFAR-10 CNN trained by the definition track's trainer
 * (lib/evaluation/train.ts) on a slice of the real CIFAR-10 test batch (../shared/datasets, the
 * only CIFAR-10 file on these machines) with and without the settings' augmentation; and a Keras
 * definition with a RandomFlip layer, which changes what the model sees while it trains and
 * nothing at test time. Early stopping restores the best epoch and the curves say which epoch
 * was scored.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { trainingRows, trainSubmission, type TrainingSet } from "@/lib/evaluation/train";
import { gatherRows } from "@/lib/evaluation/metrics";
import { loadSubmissionModel } from "@/lib/models";
import { InactiveAtInference } from "@/lib/models/layers";
import { evaluate, preprocessCoefficients, trainModel } from "@/lib/training";
import { classificationLoss } from "@/lib/training/loss";
import { k3 } from "@/test/unit/models/helpers/keras-configs";
import { cifarTest, useWasmBackend } from "@/test/unit/models/helpers/data";

beforeAll(useWasmBackend);
afterEach(() => vi.restoreAllMocks());

/** The first `count` CIFAR-10 test images as a training set. */
function cifarSlice(count: number): TrainingSet {
  const test = cifarTest();
  return { images: test.images.slice(0, count * 3072), labels: test.labels.slice(0, count), count, shape: [32, 32, 3], numClasses: 10 };
}

/** The lecture's CIFAR-10 CNN, narrowed (conv-conv-pool twice, dense), with seeded initial weights. */
function cifarCnn(): tf.LayersModel {
  let seed = 1;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 8, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: init() }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init() }),
    ],
  });
}

const LECTURE_AUGMENTATION = { cropPadding: 4, horizontalFlip: true, rotationDegrees: 10, widthShift: 0.1, heightShift: 0.1, zoom: 0.1 };

describe("training-settings augmentation on CIFAR-10", () => {
  it("takes effect: the transforms are logged and recorded, and the curves differ from the same run without them", { timeout: 600_000 }, async () => {
    const data = cifarSlice(320);
    const run = async (augmentation: object | undefined) => {
      const lines: string[] = [];
      vi.spyOn(console, "info").mockImplementation((line: unknown) => void lines.push(String(line)));
      const result = await trainSubmission({
        model: cifarCnn(),
        data,
        settings: { optimizer: "adam", learningRate: 0.002, batchSize: 32, epochs: 2, validationSplit: 0.2, ...(augmentation ? { augmentation } : {}) },
        budget: { maxEpochs: 10, maxSeconds: 600, maxParams: 1_000_000 },
        preprocessing: "1/255",
        seed: 5,
        cpuShare: 1,
      });
      vi.restoreAllMocks();
      return { ...result, lines };
    };
    const plain = await run(undefined);
    const augmented = await run(LECTURE_AUGMENTATION);
    const again = await run(LECTURE_AUGMENTATION);

    const expected = ["random crop (pad 4 px, crop back)", "horizontal flip", "rotation ±10°", "width shift ±10 %", "height shift ±10 %", "zoom ±10 %"];
    expect(augmented.lines).toContain(`[training] augmentation from the settings (each training batch): ${expected.join(", ")}`);
    expect(augmented.curves.augmentation).toEqual(expected);
    expect(plain.lines.some((line) => line.includes("augmentation"))).toBe(false);
    expect(plain.curves.augmentation).toEqual([]);

    // Same data, same split, same initial weights, same shuffle: only the augmentation differs.
    expect(plain.split).toEqual(augmented.split);
    const losses = (c: typeof plain.curves) => c.epochs.map((e) => e.loss);
    console.info(`[augmentation] training loss without ${losses(plain.curves).map((l) => l.toFixed(4))}, with ${losses(augmented.curves).map((l) => l.toFixed(4))}`);
    expect(augmented.curves.epochs).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(augmented.curves.epochs[i].loss).not.toBe(plain.curves.epochs[i].loss);
    // ... and the augmented run repeats exactly with its seed, so the difference is the augmentation's.
    expect(losses(again.curves)).toEqual(losses(augmented.curves));
    expect(augmented.curves.scoredEpoch).toBe(2);
    expect(augmented.curves.restoredBestWeights).toBe(false);
  });
});

/** A CIFAR-10 definition in Keras 3 JSON, with or without a RandomFlip layer at the input. */
function definition(withFlip: boolean) {
  const layers = [
    ...(withFlip ? [k3.layer("RandomFlip", { name: "flip", mode: "horizontal", seed: 7 })] : []),
    k3.layer("Conv2D", { name: "conv", filters: 4, kernel_size: [3, 3], activation: "relu" }),
    k3.layer("MaxPooling2D", { name: "pool" }),
    k3.layer("Flatten", { name: "flatten" }),
    k3.layer("Dense", { name: "head", units: 10, activation: "softmax" }),
  ];
  return [{ name: "model.json", data: new TextEncoder().encode(JSON.stringify(k3.sequential([32, 32, 3], layers))) }];
}

describe("RandomFlip in a definition", () => {
  it("acts only during training: test-time predictions equal the model's without the layer", { timeout: 300_000 }, async () => {
    const withFlip = await loadSubmissionModel(definition(true), { dataset: "cifar10", track: "architecture", preprocessing: "1/255" });
    const without = await loadSubmissionModel(definition(false), { dataset: "cifar10", track: "architecture", preprocessing: "1/255" });
    try {
      expect(withFlip.warnings.map((w) => w.message).join("\n")).toMatch(/Layer 'flip' \(RandomFlip\) only acts during training \(as in Keras\)/);
      const a = withFlip.model as tf.LayersModel;
      const b = without.model as tf.LayersModel;
      // Train the definition with the flip for an epoch (the layer acts, and is logged).
      const data = cifarSlice(96);
      const lines: string[] = [];
      const result = await trainModel(
        a,
        { trainImages: data.images.slice(0, 64 * 3072), trainLabels: data.labels.slice(0, 64), valImages: data.images.slice(64 * 3072), valLabels: data.labels.slice(64), shape: [32, 32, 3], numClasses: 10 },
        { optimizer: "adam", learningRate: 0.01, batchSize: 16, epochs: 1, preprocess: "1/255", seed: 3 },
        { onEpochEnd: () => {} },
        { maxEpochs: 1, maxSeconds: 600 },
        { log: (line) => lines.push(line), replicas: 1 },
      );
      expect(result.augmentation).toEqual(["RandomFlip 'flip' (horizontal)"]);
      expect(lines.join("\n")).toMatch(/augmentation layers in the model \(training only, identity when validating and scoring\): RandomFlip 'flip' \(horizontal\)/);

      // The same trained weights in the model without the layer.
      b.setWeights(a.getWeights());
      const x = tf.tensor4d(Float32Array.from(cifarTest().images.subarray(0, 64 * 3072), (v) => v / 255), [64, 32, 32, 3]);
      const atTest = (a.predict(x) as tf.Tensor).dataSync();
      expect(Array.from(atTest)).toEqual(Array.from((b.predict(x) as tf.Tensor).dataSync()));
      // In training mode the flip changes what the model sees: some outputs differ.
      const inTraining = (a.apply(x, { training: true }) as tf.Tensor).dataSync();
      const differing = Array.from({ length: 64 }, (_, i) => i).filter((i) => Math.abs(inTraining[i * 10] - atTest[i * 10]) > 1e-6).length;
      expect(differing).toBeGreaterThan(10);
      expect(differing).toBeLessThan(54);
    } finally {
      withFlip.dispose();
      without.dispose();
    }
  });

  it("a random rotation after a layer with weights is refused at upload and by training, with where to put it", { timeout: 120_000 }, async () => {
    const config = k3.sequential([32, 32, 3], [
      k3.layer("Conv2D", { name: "conv", filters: 2, kernel_size: [3, 3] }),
      k3.layer("RandomRotation", { name: "spin", factor: 0.1 }),
      k3.layer("Flatten", { name: "flatten" }),
      k3.layer("Dense", { name: "head", units: 10, activation: "softmax" }),
    ]);
    // The upload check loads definitions this way: refused before it costs a submission.
    await expect(loadSubmissionModel([{ name: "model.json", data: new TextEncoder().encode(JSON.stringify(config)) }], { dataset: "cifar10", track: "architecture" })).rejects.toThrow(
      "Layer 'spin' (RandomRotation) comes after 'conv', a layer with weights: Holdout trains random rotation, translation and zoom layers only before every layer with weights.",
    );
    // Training itself refuses it too (models built any other way).
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ name: "conv", inputShape: [32, 32, 3], filters: 2, kernelSize: 3 }),
        new InactiveAtInference({ name: "spin", kerasClassName: "RandomRotation", kerasConfig: { factor: 0.1 } }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: "softmax" }),
      ],
    });
    const data = cifarSlice(32);
    await expect(
      trainModel(
        model,
        { trainImages: data.images, trainLabels: data.labels, valImages: new Uint8Array(0), valLabels: new Uint8Array(0), shape: [32, 32, 3], numClasses: 10 },
        { optimizer: "adam", learningRate: 0.01, batchSize: 16, epochs: 1, preprocess: "1/255", seed: 3 },
        { onEpochEnd: () => {} },
        { maxEpochs: 1, maxSeconds: 600 },
        { log: () => {} },
      ),
    ).rejects.toThrow("layer 'spin' (RandomRotation) comes after 'conv', a layer with weights: Holdout trains random rotation, translation and zoom layers only before every layer with weights. Move it to the start of the model, right after the input, as Keras' examples do");
  });
});

describe("early stopping", () => {
  it("restores the best epoch's weights and the curves say which epoch was scored", { timeout: 300_000 }, async () => {
    // Labels that do not follow the images: validation loss rises after the first epochs.
    const data = cifarSlice(160);
    const shuffled = { ...data, labels: data.labels.map((_, i) => (i * 7) % 10) };
    const model = cifarCnn();
    const result = await trainSubmission({
      model,
      data: shuffled,
      settings: { optimizer: "adam", learningRate: 0.01, batchSize: 16, epochs: 8, validationSplit: 0.25, earlyStoppingPatience: 2 },
      budget: { maxEpochs: 8, maxSeconds: 600, maxParams: 1_000_000 },
      preprocessing: "1/255",
      seed: 9,
      cpuShare: 1,
    });
    const { curves } = result;
    const last = curves.epochs[curves.epochs.length - 1].epoch;
    const best = curves.epochs.reduce((a, b) => ((b.valLoss ?? Infinity) < (a.valLoss ?? Infinity) ? b : a));
    console.info(`[early stopping] ${curves.stopReason}; scored epoch ${curves.scoredEpoch} of ${last}`);
    expect(curves.stoppedEarly).toBe(true);
    expect(last - best.epoch).toBe(2);
    expect(curves.restoredBestWeights).toBe(true);
    expect(curves.scoredEpoch).toBe(best.epoch);
    // The model now holds the best epoch's weights: its validation loss is that epoch's.
    const { validationRows } = trainingRows(shuffled.labels, 10, 0.25, 9);
    const valImages = gatherRows(shuffled.images, validationRows, 3072);
    const valLabels = gatherRows(shuffled.labels, validationRows, 1);
    const now = evaluate(model, classificationLoss(model), valImages, valLabels, [32, 32, 3], 10, preprocessCoefficients("1/255", 3));
    expect(now.loss).toBeCloseTo(best.valLoss!, 5);
  });
});
