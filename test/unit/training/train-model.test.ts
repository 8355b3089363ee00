import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "@/lib/engine/backend";
import { trainModel, evaluate, type TrainingData, type TrainingSettings, type EpochMetrics } from "@/lib/training";
import { classificationLoss } from "@/lib/training/loss";
import { preprocessCoefficients } from "@/lib/training/batches";
import { augmentBatch, rotateAndShift } from "@/lib/training/augment";
import { createRandom } from "@/lib/training/random";

beforeAll(async () => {
  await initEngine({ prefer: "wasm", log: () => {} });
});

const SHAPE: [number, number, number] = [8, 8, 1];

/**
 * Two classes told apart by which half of the image is bright, with noise. `flipValidation`
 * gives the validation split the opposite labels, so that learning the training rule makes
 * validation loss worse every epoch (a guaranteed "overfit" for early-stopping tests).
 */
function syntheticData(trainCount: number, valCount: number, seed: number, flipValidation = false): TrainingData {
  const random = createRandom(seed);
  const make = (count: number, flip: boolean) => {
    const images = new Uint8Array(count * 64);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const cls = i % 2;
      labels[i] = flip ? 1 - cls : cls;
      for (let p = 0; p < 64; p++) {
        const bright = (p % 8 < 4) === (cls === 1);
        images[i * 64 + p] = bright ? 150 + Math.floor(random() * 100) : Math.floor(random() * 60);
      }
    }
    return { images, labels };
  };
  const train = make(trainCount, false);
  const val = make(valCount, flipValidation);
  return { trainImages: train.images, trainLabels: train.labels, valImages: val.images, valLabels: val.labels, shape: SHAPE, numClasses: 2 };
}

function smallCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: SHAPE, filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

const SETTINGS: TrainingSettings = { optimizer: "adam", learningRate: 0.01, batchSize: 16, epochs: 4, preprocess: "1/255", seed: 7 };
const BIG_BUDGET = { maxEpochs: 100, maxSeconds: 600 };

describe("trainModel", () => {
  it("records training and validation curves for every epoch and learns", async () => {
    const reported: Array<[number, Omit<EpochMetrics, "epoch">]> = [];
    let batches = 0;
    const result = await trainModel(smallCnn(), syntheticData(96, 32, 1), SETTINGS, { onEpochEnd: (epoch, metrics) => void reported.push([epoch, metrics]), onBatch: () => void batches++ }, BIG_BUDGET);
    expect(result.stopKind).toBe("completed");
    expect(result.stopReason).toBe("completed 4 epochs");
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(reported.map(([epoch]) => epoch)).toEqual([1, 2, 3, 4]);
    expect(batches).toBe(4 * 6);
    for (const e of result.epochs) {
      for (const value of [e.loss, e.acc, e.valLoss, e.valAcc, e.seconds]) expect(Number.isFinite(value)).toBe(true);
      expect(e.partial).toBeUndefined();
    }
    expect(result.epochs[3].loss).toBeLessThan(result.epochs[0].loss);
    expect(result.epochs[3].valAcc).toBeGreaterThan(0.9);
    expect(result.bestEpoch).not.toBeNull();
    expect(result.trainExamplesPerSecond).toBeGreaterThan(0);
    // Small runs stay on one thread ("auto" needs enough batches to pay for worker start-up).
    expect(result.replicas).toBe(1);
    expect(result.analysis.bestEpoch).toBe(result.bestEpoch);
    expect(result.analysis.generalizationGap).toHaveLength(4);
  });

  it("stops early and restores the best epoch's weights", async () => {
    const data = syntheticData(96, 32, 2, true);
    const model = smallCnn();
    const settings: TrainingSettings = { ...SETTINGS, epochs: 20, earlyStopping: { patience: 2, restoreBestWeights: true } };
    const result = await trainModel(model, data, settings, { onEpochEnd: () => {} }, BIG_BUDGET);
    expect(result.stopKind).toBe("early-stopping");
    const best = result.epochs.find((e) => e.epoch === result.bestEpoch)!;
    const last = result.epochs[result.epochs.length - 1];
    expect(last.epoch).toBe(best.epoch + 2);
    expect(result.restoredBestWeights).toBe(true);
    // The model now scores exactly like it did at the best epoch, not like the last one.
    const now = evaluate(model, classificationLoss(model), data.valImages, data.valLabels, SHAPE, 2, preprocessCoefficients("1/255", 1));
    expect(now.loss).toBeCloseTo(best.valLoss, 5);
    expect(now.loss).toBeLessThan(last.valLoss);
  });

  it("stops at the time budget after a whole epoch", async () => {
    // One batch per epoch, so the budget is only checked between epochs.
    const result = await trainModel(smallCnn(), syntheticData(32, 16, 3), { ...SETTINGS, batchSize: 32, epochs: 10 }, { onEpochEnd: () => {} }, { maxEpochs: 10, maxSeconds: 1e-6 });
    expect(result.stopKind).toBe("time-budget");
    expect(result.stopReason).toBe("time budget reached after epoch 1");
    expect(result.epochs).toHaveLength(1);
  });

  it("cuts an epoch short when the time budget runs out inside it, and marks it partial", async () => {
    const result = await trainModel(smallCnn(), syntheticData(96, 16, 3), { ...SETTINGS, epochs: 10 }, { onEpochEnd: () => {} }, { maxEpochs: 10, maxSeconds: 1e-6 });
    expect(result.stopKind).toBe("time-budget");
    expect(result.stopReason).toMatch(/during epoch 1, after 16 of 96 examples/);
    expect(result.epochs).toHaveLength(1);
    expect(result.epochs[0].partial).toBe(true);
  });

  it("respects the epoch budget and a stop request", async () => {
    const capped = await trainModel(smallCnn(), syntheticData(32, 16, 4), { ...SETTINGS, epochs: 5 }, { onEpochEnd: () => {} }, { maxEpochs: 2, maxSeconds: 600 });
    expect(capped.stopKind).toBe("epoch-budget");
    expect(capped.stopReason).toBe("epoch budget reached after epoch 2 (5 requested)");
    expect(capped.epochs).toHaveLength(2);

    let epochsDone = 0;
    const stopped = await trainModel(smallCnn(), syntheticData(32, 16, 4), { ...SETTINGS, epochs: 5 }, { onEpochEnd: () => void epochsDone++, shouldStop: () => epochsDone >= 1 }, BIG_BUDGET);
    expect(stopped.stopKind).toBe("requested");
    expect(stopped.epochs).toHaveLength(1);
  });

  it("stops with a clear reason when the loss diverges", async () => {
    // Logits output (no softmax clipping to keep the loss finite) and an absurd learning rate.
    const logits = tf.sequential({ layers: [tf.layers.flatten({ inputShape: SHAPE }), tf.layers.dense({ units: 2 })] });
    const result = await trainModel(logits, syntheticData(64, 16, 5), { ...SETTINGS, optimizer: "sgd", learningRate: 1e35, preprocess: "raw" }, { onEpochEnd: () => {} }, BIG_BUDGET);
    expect(result.stopKind).toBe("diverged");
    expect(result.stopReason).toMatch(/training loss became (NaN|Infinity)/);
  });

  it("repeats exactly with the same seed and initial weights, augmentation included", async () => {
    const augmentation = { horizontalFlip: true, rotationDegrees: 10, widthShift: 0.1, heightShift: 0.1 };
    const run = async () => {
      const result = await trainModel(smallCnn(), syntheticData(64, 16, 6), { ...SETTINGS, epochs: 2, optimizer: "rmsprop", learningRate: 0.005, augmentation }, { onEpochEnd: () => {} }, BIG_BUDGET);
      return result.epochs.map((e) => [e.loss, e.valLoss]);
    };
    expect(await run()).toEqual(await run());
  });

  it("trains a flat-input MLP with mean/std preprocessing and augmentation", async () => {
    const mlp = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 16, activation: "relu" }), tf.layers.dropout({ rate: 0.2 }), tf.layers.dense({ units: 2 })] });
    const settings: TrainingSettings = {
      ...SETTINGS,
      epochs: 3,
      // mean 100 and std 80 on the 0..255 scale, written on the submission scale (0..1) like every preprocessing.
      preprocess: { mean: [100 / 255], std: [80 / 255] },
      augmentation: { horizontalFlip: false, rotationDegrees: 5, widthShift: 0.05, heightShift: 0.05 },
    };
    const result = await trainModel(mlp, syntheticData(96, 32, 7), settings, { onEpochEnd: () => {} }, BIG_BUDGET);
    expect(result.stopKind).toBe("completed");
    expect(result.epochs[2].valAcc).toBeGreaterThan(0.8);
  });

  it("rejects data that does not fit the model", async () => {
    const data = syntheticData(8, 4, 8);
    await expect(trainModel(smallCnn(), { ...data, numClasses: 3 }, SETTINGS, { onEpochEnd: () => {} }, BIG_BUDGET)).rejects.toThrow(/outputs 2 values .* 3 classes/);
    await expect(trainModel(smallCnn(), { ...data, trainImages: data.trainImages.subarray(1) }, SETTINGS, { onEpochEnd: () => {} }, BIG_BUDGET)).rejects.toThrow(/trainImages/);
  });
});

describe("augmentation", () => {
  const image = () => {
    const pixels = new Float32Array(5 * 5);
    pixels[2 * 5 + 1] = 1; // one bright pixel at row 2, column 1
    return tf.tensor4d(pixels, [1, 5, 5, 1]);
  };

  it("a shift-only transform moves the image by that many pixels", () => {
    const shifted = tf.image.transform(image(), tf.tensor2d([rotateAndShift(0, 2, -1, 2, 2)]), "bilinear", "constant");
    const values = shifted.dataSync();
    expect(values[1 * 5 + 3]).toBeCloseTo(1); // row 2-1, column 1+2
    expect(values[2 * 5 + 1]).toBeCloseTo(0);
  });

  it("a 90 degree rotation turns the image about its centre", () => {
    const rotated = tf.image.transform(image(), tf.tensor2d([rotateAndShift(Math.PI / 2, 0, 0, 2, 2)]), "bilinear", "constant").dataSync();
    // (x=1, y=2) rotated by +90 degrees about (2,2) lands on (x=2, y=1).
    expect(rotated[1 * 5 + 2]).toBeCloseTo(1);
  });

  it("flips each image of a batch on its own draw", () => {
    const batch = tf.concat([image(), image(), image()]);
    const draws = [0.1, 0.9, 0.2];
    const flipped = augmentBatch(batch, { horizontalFlip: true }, () => draws.shift()!).dataSync();
    // Flipped images have the bright pixel at column 3, the unflipped one at column 1.
    expect([0, 1, 2].map((i) => (flipped[i * 25 + 2 * 5 + 3] === 1 ? "flipped" : "kept"))).toEqual(["flipped", "kept", "flipped"]);
  });

  it("flips an image when the draw says so and keeps the batch shape", () => {
    const always = () => 0;
    const flipped = augmentBatch(image(), { horizontalFlip: true }, always);
    expect(flipped.shape).toEqual([1, 5, 5, 1]);
    expect(flipped.dataSync()[2 * 5 + 3]).toBe(1);
    const never = () => 0.99;
    expect(augmentBatch(image(), { horizontalFlip: true }, never).dataSync()[2 * 5 + 1]).toBe(1);
  });
});
