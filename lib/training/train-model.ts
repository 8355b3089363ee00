/**
 * Trains a TF.js LayersModel on uint8 image data with a custom loop (not model.fit): batches are
 * made from the uint8 arrays one at a time, shuffled with the run's seed, optionally augmented,
 * and every epoch records training and validation loss/accuracy. Stops at the epoch count, on
 * early stopping (restoring the best weights if asked), at the time or epoch budget, on request,
 * or when the loss becomes NaN, and says which in `stopReason`.
 */
import os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { createRandom, shuffledIndices } from "./random";
import { makeBatch, preprocessCoefficients } from "./batches";
import { augmentBatch, hasAugmentation } from "./augment";
import { describeAugmentation } from "@/lib/models/training-settings";
import { geometricAugmentationAfterWeights, trainingAugmentationLayers } from "@/lib/models/layers";
import { classificationLoss, countCorrect, type LossFunction } from "./loss";
import { applyGradients, computeGradients, createOptimizer } from "./gradients";
import { DataParallelGroup } from "./parallel/data-parallel";
import { forwardFlopsPerExample } from "@/lib/engine/model-flops";
import { TRAINING_FLOPS_PER_FORWARD_FLOP } from "@/lib/engine/flop-rules";
import { analyzeCurves } from "./overtraining";
import type { EpochMetrics, StopKind, TrainingBudget, TrainingData, TrainingHooks, TrainingResult, TrainingSettings } from "./types";

export interface TrainOptions {
  /**
   * Model replicas training in parallel (the main thread plus worker threads, each with its own
   * wasm instance). "auto" (default): one per CPU, up to 4, on the wasm backend when the run has
   * at least MIN_BATCHES_FOR_PARALLEL batches and the model does enough arithmetic per weight
   * for the gradient exchange to pay off; else 1. Native backends thread by themselves.
   */
  replicas?: number | "auto";
  /** Upper bound for "auto": the CPUs this run may use (a worker running several jobs shares them). */
  maxReplicas?: number;
  /** Where notes such as "training on 2 replicas" go; defaults to console.info. */
  log?: (line: string) => void;
}

/** Starting workers costs ~0.5 s each; below this many batches in the run it does not pay off. */
const MIN_BATCHES_FOR_PARALLEL = 40;
/**
 * Training FLOPs per step per trainable weight below which replicas lose: every step moves each
 * gradient between threads twice. The MLP 784-512x3-10 (~770) trains slower on 2 replicas,
 * LeNet-5 (~5,000) and the CNNs (8,000-23,000) faster.
 */
const MIN_FLOPS_PER_WEIGHT_FOR_PARALLEL = 2000;

/** Batch size used for validation passes: inference only, so larger than training is fine. */
const EVALUATION_BATCH = 256;

export async function trainModel(
  model: tf.LayersModel,
  data: TrainingData,
  settings: TrainingSettings,
  hooks: TrainingHooks,
  budget: TrainingBudget,
  options: TrainOptions = {},
): Promise<TrainingResult> {
  checkData(model, data);
  const channels = data.shape[2];
  const trainCount = data.trainLabels.length;
  const valCount = data.valLabels.length;
  const coefficients = preprocessCoefficients(settings.preprocess, channels);
  const lossFn = classificationLoss(model);
  const log = options.log ?? ((line: string) => console.info(line));
  const random = createRandom(settings.seed);
  const augmentation = hasAugmentation(settings.augmentation) ? settings.augmentation : undefined;
  // What acts on the training images: the settings' augmentation, then the model's own Keras
  // augmentation layers (RandomFlip, ...; the identity when validating and scoring).
  const fromSettings = describeAugmentation(augmentation);
  const fromLayers = trainingAugmentationLayers(model);
  if (fromSettings.length) log(`[training] augmentation from the settings (each training batch): ${fromSettings.join(", ")}`);
  if (fromLayers.length) log(`[training] augmentation layers in the model (training only, identity when validating and scoring): ${fromLayers.join(", ")}`);
  const epochLimit = Math.min(settings.epochs, budget.maxEpochs);
  const batchesPerEpoch = Math.ceil(trainCount / settings.batchSize);
  // Models whose input is not [h, w, c] (a flat 784 MLP, or [28, 28] grayscale) get each batch
  // reshaped to their input shape.
  const toModelInput = inputReshaper(model);
  const nextBatch = (indices: Int32Array) => {
    const made = makeBatch(data.trainImages, data.trainLabels, indices, data.shape, data.numClasses, coefficients);
    if (augmentation) {
      const augmented = augmentBatch(made.x, augmentation, random, { black: coefficients.offset });
      made.x.dispose();
      made.x = augmented;
    }
    return { x: toModelInput(made.x), y: made.y };
  };

  // The budget clock includes starting any worker threads.
  const started = performance.now();
  const elapsedSeconds = () => (performance.now() - started) / 1000;
  const stepper = await createStepper(model, lossFn, settings, chooseReplicas(options.replicas, model, batchesPerEpoch * epochLimit, settings.batchSize, options.maxReplicas), log);
  const epochs: EpochMetrics[] = [];
  let trainedExamples = 0;
  // Time spent in training steps only (batch making included, validation excluded): the
  // denominator of trainExamplesPerSecond.
  let stepSeconds = 0;
  let stop: { kind: StopKind; reason: string } | null = null;
  let best: { epoch: number; monitored: number; weights: tf.Tensor[] | null } | null = null;

  try {
    for (let epoch = 1; epoch <= epochLimit && !stop; epoch++) {
      const epochStarted = performance.now();
      const order = shuffledIndices(trainCount, random);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let batch = 0; batch < batchesPerEpoch; batch++) {
        const indices = order.subarray(batch * settings.batchSize, Math.min(trainCount, (batch + 1) * settings.batchSize));
        const stepStarted = performance.now();
        const batchData = nextBatch(indices);
        let stepResult: { loss: number; correct: number };
        try {
          stepResult = await stepper.step(batchData.x, batchData.y);
        } finally {
          tf.dispose([batchData.x, batchData.y]);
        }
        stepSeconds += (performance.now() - stepStarted) / 1000;
        const batchLoss = stepResult.loss;
        const batchCorrect = stepResult.correct;
        lossSum += batchLoss * indices.length;
        correct += batchCorrect;
        seen += indices.length;
        trainedExamples += indices.length;
        if (!Number.isFinite(batchLoss)) {
          stop = { kind: "diverged", reason: `training loss became ${batchLoss} in epoch ${epoch} (batch ${batch + 1}); try a lower learning rate` };
          break;
        }
        await hooks.onBatch?.({ epoch, batch: batch + 1, batchesPerEpoch, loss: batchLoss, acc: batchCorrect / indices.length });
        // Let the worker's heartbeats and cancellation run between batches.
        await new Promise((resolve) => setImmediate(resolve));
        if (hooks.shouldStop?.()) {
          stop = { kind: "requested", reason: `stopped on request during epoch ${epoch}` };
          break;
        }
        if (elapsedSeconds() > budget.maxSeconds && batch < batchesPerEpoch - 1) {
          stop = { kind: "time-budget", reason: `time budget (${budget.maxSeconds} s) reached during epoch ${epoch}, after ${seen} of ${trainCount} examples` };
          break;
        }
      }
      // A cancelled or diverged epoch is not worth a validation pass or a record.
      if (seen === 0 || stop?.kind === "requested" || stop?.kind === "diverged") break;
      await stepper.beforeEvaluation();
      const validation = valCount > 0 ? evaluate(model, lossFn, data.valImages, data.valLabels, data.shape, data.numClasses, coefficients) : { loss: NaN, acc: NaN };
      const metrics: EpochMetrics = {
        epoch,
        loss: lossSum / seen,
        acc: correct / seen,
        valLoss: validation.loss,
        valAcc: validation.acc,
        seconds: (performance.now() - epochStarted) / 1000,
        ...(seen < trainCount ? { partial: true } : {}),
      };
      epochs.push(metrics);
      const { epoch: _epoch, ...reported } = metrics;
      await hooks.onEpochEnd(epoch, reported);
      if (stop) break;

      // Early stopping watches validation loss (training loss when there is no validation set).
      const monitored = valCount > 0 ? metrics.valLoss : metrics.loss;
      if (!best || monitored < best.monitored) {
        best?.weights?.forEach((t) => t.dispose());
        const keepWeights = Boolean(settings.earlyStopping?.restoreBestWeights);
        best = { epoch, monitored, weights: keepWeights ? model.getWeights().map((w) => w.clone()) : null };
      } else if (settings.earlyStopping && epoch - best.epoch >= settings.earlyStopping.patience) {
        stop = { kind: "early-stopping", reason: `early stopping: validation loss did not improve for ${epoch - best.epoch} epochs after epoch ${best.epoch}` };
        break;
      }
      if (epoch >= epochLimit) break;
      if (hooks.shouldStop?.()) {
        stop = { kind: "requested", reason: `stopped on request after epoch ${epoch}` };
      } else if (elapsedSeconds() + metrics.seconds > budget.maxSeconds) {
        // Another epoch like this one would overrun the budget: stop while within it.
        stop = { kind: "time-budget", reason: `time budget reached after epoch ${epoch}` };
      }
    }
    if (!stop) {
      stop =
        epochLimit < settings.epochs
          ? { kind: "epoch-budget", reason: `epoch budget reached after epoch ${epochLimit} (${settings.epochs} requested)` }
          : { kind: "completed", reason: `completed ${epochLimit} epochs` };
    }

    let restoredBestWeights = false;
    const lastEpoch = epochs.length ? epochs[epochs.length - 1].epoch : 0;
    if (best?.weights && best.epoch !== lastEpoch) {
      model.setWeights(best.weights);
      restoredBestWeights = true;
      log(`[training] restored the weights of epoch ${best.epoch} (lowest ${valCount > 0 ? "validation" : "training"} loss); epoch ${lastEpoch} was the last`);
    }
    const totalSeconds = elapsedSeconds();
    return {
      epochs,
      stopKind: stop.kind,
      stopReason: stop.reason,
      bestEpoch: valCount > 0 && best ? best.epoch : null,
      restoredBestWeights,
      scoredEpoch: restoredBestWeights && best ? best.epoch : lastEpoch || null,
      augmentation: [...fromSettings, ...fromLayers],
      totalSeconds,
      trainExamplesPerSecond: stepSeconds > 0 ? trainedExamples / stepSeconds : 0,
      replicas: stepper.replicas,
      analysis: analyzeCurves(epochs),
    };
  } finally {
    best?.weights?.forEach((t) => t.dispose());
    await stepper.close();
  }
}

interface Stepper {
  replicas: number;
  step(x: tf.Tensor, y: tf.Tensor2D): Promise<{ loss: number; correct: number }>;
  /** Brings the main model up to date for validation (replica statistics). */
  beforeEvaluation(): Promise<void>;
  close(): Promise<void>;
}

function chooseReplicas(requested: TrainOptions["replicas"], model: tf.LayersModel, totalBatches: number, batchSize: number, maxReplicas = Infinity): number {
  if (typeof requested === "number") return Math.max(1, Math.floor(requested));
  const cpus = Math.min(maxReplicas, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
  if (tf.getBackend() !== "wasm" || cpus < 2 || totalBatches < MIN_BATCHES_FOR_PARALLEL) return 1;
  const flopsPerWeight = (TRAINING_FLOPS_PER_FORWARD_FLOP * forwardFlopsPerExample(model) * batchSize) / Math.max(1, model.countParams());
  if (flopsPerWeight < MIN_FLOPS_PER_WEIGHT_FOR_PARALLEL) return 1;
  // Shards below ~16 examples leave the GEMMs too small to be efficient.
  return Math.max(1, Math.min(cpus, 4, Math.floor(batchSize / 16)));
}

async function createStepper(model: tf.LayersModel, lossFn: LossFunction, settings: TrainingSettings, replicas: number, log: (line: string) => void): Promise<Stepper> {
  if (replicas > 1) {
    try {
      const group = await DataParallelGroup.start(model, lossFn, settings, replicas);
      log(`[training] data-parallel on ${replicas} replicas (main thread + ${replicas - 1} worker threads)`);
      return { replicas, step: (x, y) => group.step(x, y), beforeEvaluation: () => group.averageNonTrainableWeights(), close: () => group.close() };
    } catch (error) {
      log(`[training] data-parallel unavailable, training on one thread: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const optimizer = createOptimizer(settings);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  return {
    replicas: 1,
    step: async (x, y) => {
      const result = computeGradients(model, variables, lossFn, x, y);
      applyGradients(optimizer, variables, result.grads);
      tf.dispose(result.grads);
      return { loss: result.loss, correct: result.correct };
    },
    beforeEvaluation: async () => {},
    close: async () => optimizer.dispose(),
  };
}

/** [n,h,w,c] -> [n, ...model input] when the model's input is shaped otherwise; disposes the input. */
function inputReshaper(model: tf.LayersModel): (x: tf.Tensor4D) => tf.Tensor {
  const inputShape = model.inputs[0].shape.slice(1);
  if (inputShape.length === 3) return (x) => x;
  return (x) => {
    const reshaped = x.reshape([x.shape[0], ...inputShape.map((d) => d ?? -1)]);
    x.dispose();
    return reshaped;
  };
}

/** Mean loss and accuracy over a split, in inference mode, in batches. */
export function evaluate(
  model: tf.LayersModel,
  lossFn: (y: tf.Tensor2D, p: tf.Tensor) => tf.Scalar,
  images: Uint8Array,
  labels: Uint8Array,
  shape: [number, number, number],
  numClasses: number,
  coefficients: { scale: Float32Array; offset: Float32Array },
): { loss: number; acc: number } {
  const count = labels.length;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += EVALUATION_BATCH) {
    const indices = new Int32Array(Math.min(EVALUATION_BATCH, count - start)).map((_, i) => start + i);
    const batch = makeBatch(images, labels, indices, shape, numClasses, coefficients);
    const x = inputReshaper(model)(batch.x);
    const y = batch.y;
    try {
      const output = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor);
      lossSum += tf.tidy(() => lossFn(y, output).dataSync()[0]) * indices.length;
      correct += countCorrect(y, output);
      output.dispose();
    } finally {
      x.dispose();
      y.dispose();
    }
  }
  return { loss: lossSum / count, acc: correct / count };
}

function checkData(model: tf.LayersModel, data: TrainingData): void {
  const [height, width, channels] = data.shape;
  const imageSize = height * width * channels;
  if (data.trainLabels.length === 0) throw new Error("no training examples");
  if (data.trainImages.length !== data.trainLabels.length * imageSize) {
    throw new Error(`trainImages has ${data.trainImages.length} bytes, expected ${data.trainLabels.length} x ${height}x${width}x${channels}`);
  }
  if (data.valImages.length !== data.valLabels.length * imageSize) {
    throw new Error(`valImages has ${data.valImages.length} bytes, expected ${data.valLabels.length} x ${height}x${width}x${channels}`);
  }
  if (model.outputs.length !== 1) throw new Error(`the model has ${model.outputs.length} outputs; training supports one`);
  const misplaced = geometricAugmentationAfterWeights(model);
  if (misplaced) {
    throw new Error(
      `layer '${misplaced.layer}' (${misplaced.className}) comes after '${misplaced.after}', a layer with weights: Holdout trains random rotation, translation and zoom layers only before every layer with weights. Move it to the start of the model, right after the input, as Keras' examples do`,
    );
  }
  const outputUnits = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  if (outputUnits !== data.numClasses) throw new Error(`the model outputs ${outputUnits} values per example but the dataset has ${data.numClasses} classes`);
  const inputShape = model.inputs[0].shape.slice(1);
  const flat = height * width * channels;
  const known = inputShape.every((d) => d !== null);
  const matches =
    (inputShape.length === 3 && inputShape.every((d, i) => d === null || d === data.shape[i])) ||
    (known && inputShape.reduce((a, b) => (a as number) * (b as number), 1) === flat);
  if (!matches) throw new Error(`the model expects input [${inputShape.join(", ")}] but the images are ${height}x${width}x${channels}`);
}
