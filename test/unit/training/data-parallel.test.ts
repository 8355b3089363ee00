import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "@/lib/engine/backend";
import { trainModel, type TrainingData, type TrainingSettings } from "@/lib/training";
import { shardSizes } from "@/lib/training/parallel/data-parallel";
import { createRandom } from "@/lib/training/random";
import { InactiveAtInference, registerHoldoutLayers } from "@/lib/models/layers";

beforeAll(async () => {
  await initEngine({ prefer: "wasm", log: () => {} });
});

const SHAPE: [number, number, number] = [8, 8, 1];

function data(count: number, seed: number): TrainingData {
  const random = createRandom(seed);
  const images = new Uint8Array(count * 64).map(() => Math.floor(random() * 256));
  const labels = new Uint8Array(count).map((_, i) => i % 3);
  // Make the classes learnable: brighten a class-specific row.
  labels.forEach((label, i) => images.fill(255, i * 64 + label * 8, i * 64 + label * 8 + 8));
  return { trainImages: images, trainLabels: labels, valImages: images.slice(0, 16 * 64), valLabels: labels.slice(0, 16), shape: SHAPE, numClasses: 3 };
}

/** Same architecture and same initial weights every call (seeded initialisers). */
function model(withBatchNorm: boolean): tf.LayersModel {
  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: SHAPE, filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: seeded(1) }),
      ...(withBatchNorm ? [tf.layers.batchNormalization()] : []),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: seeded(2) }),
    ],
  });
}

const SETTINGS: TrainingSettings = { optimizer: "adam", learningRate: 0.01, batchSize: 20, epochs: 2, preprocess: "1/255", seed: 3 };
const BUDGET = { maxEpochs: 10, maxSeconds: 600 };

describe("data-parallel training", () => {
  it("splits batches into near-equal shards", () => {
    expect(shardSizes(128, 2)).toEqual([64, 64]);
    expect(shardSizes(7, 3)).toEqual([3, 2, 2]);
    expect(shardSizes(1, 2)).toEqual([1, 0]);
  });

  it("follows the single-thread trajectory: averaged shard gradients are the full-batch gradient", async () => {
    const logs: string[] = [];
    const single = await trainModel(model(false), data(70, 1), SETTINGS, { onEpochEnd: () => {} }, BUDGET, { replicas: 1 });
    const parallel = await trainModel(model(false), data(70, 1), SETTINGS, { onEpochEnd: () => {} }, BUDGET, { replicas: 2, log: (line) => logs.push(line) });
    expect(logs.join("\n")).toMatch(/data-parallel on 2 replicas/);
    for (let e = 0; e < 2; e++) {
      expect(parallel.epochs[e].loss).toBeCloseTo(single.epochs[e].loss, 4);
      expect(parallel.epochs[e].valLoss).toBeCloseTo(single.epochs[e].valLoss, 4);
    }
  }, 60_000);

  it("trains a BatchNormalization model and averages the replicas' moving statistics", async () => {
    const m = model(true);
    const movingMean = () => Array.from(m.layers[1].getWeights()[2].dataSync());
    const before = movingMean();
    const result = await trainModel(m, data(61, 2), { ...SETTINGS, epochs: 3 }, { onEpochEnd: () => {} }, BUDGET, { replicas: 2, log: () => {} });
    expect(result.stopKind).toBe("completed");
    expect(result.epochs.every((e) => Number.isFinite(e.valLoss))).toBe(true);
    expect(result.epochs[2].loss).toBeLessThan(result.epochs[0].loss);
    expect(movingMean()).not.toEqual(before);
  }, 60_000);

  it("trains a model with Keras augmentation layers on replicas too (the worker threads know Holdout's layer classes)", async () => {
    registerHoldoutLayers();
    const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
    const m = tf.sequential({
      layers: [
        new InactiveAtInference({ name: "flip", inputShape: SHAPE, kerasClassName: "RandomFlip", kerasConfig: { mode: "horizontal", seed: 1 } }),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: seeded(1) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: seeded(2) }),
      ],
    });
    const logs: string[] = [];
    const result = await trainModel(m, data(70, 1), SETTINGS, { onEpochEnd: () => {} }, BUDGET, { replicas: 2, log: (line) => logs.push(line) });
    expect(logs.join("\n")).toMatch(/data-parallel on 2 replicas/);
    expect(logs.join("\n")).not.toMatch(/data-parallel unavailable/);
    expect(result.replicas).toBe(2);
    expect(result.augmentation).toEqual(["RandomFlip 'flip' (horizontal)"]);
  }, 60_000);
});
