/**
 * The definition track: train the student's architecture on the competition's training data
 * with the student's settings, inside the competition's budget, before it is scored.
 * The validation split is the one the definition asked for (seeded and stratified, so the same
 * definition trains on the same rows every time).
 */
import type * as tf from "@tensorflow/tfjs";
import { splitTrainValidation } from "@/lib/datasets";
import { parseTrainingSettings, type Preprocessing } from "@/lib/models";
import { trainModel } from "@/lib/training";
import { summarizeCurves } from "./curves";
import { gatherRows } from "./metrics";
import type { CurveSummary, EpochRecord, TrainingSplit } from "./schemas";
import type { EvaluationProgress, TrainingBudget } from "./types";

export { describeTrainingSplit } from "./train-split";

/** How often training reports its place inside an epoch. */
export const BATCH_PROGRESS_MS = 3000;

export interface TrainingSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  shape: [number, number, number];
  numClasses: number;
}

export interface TrainRequest {
  model: tf.LayersModel;
  data: TrainingSet;
  /** The submission's training settings (parsed here: defaults filled, bounds checked). */
  settings: unknown;
  budget: TrainingBudget;
  preprocessing: Preprocessing;
  seed: number;
  /** CPUs this job may use for data-parallel training. */
  cpuShare?: number;
  onProgress?: (event: EvaluationProgress) => void | Promise<void>;
}

/** Rows for training and validation: the definition's validation split, then the budget's cap on training rows. */
export function trainingRows(labels: Uint8Array, numClasses: number, validationSplit: number, seed: number, maxTrainExamples?: number) {
  const validationCount = Math.round(labels.length * validationSplit);
  const split = splitTrainValidation(labels, { seed, validationCount, numClasses });
  let trainRows = split.trainIndices;
  const available = trainRows.length;
  if (maxTrainExamples && trainRows.length > maxTrainExamples) {
    // Indices are sorted; take an evenly spread subset so every class stays represented.
    const step = trainRows.length / maxTrainExamples;
    trainRows = Uint32Array.from({ length: maxTrainExamples }, (_, i) => split.trainIndices[Math.floor(i * step)]);
  }
  const info: TrainingSplit = { trainCount: trainRows.length, validationCount: split.validationIndices.length, validationSplit, leftOut: available - trainRows.length, seed };
  return { trainRows, validationRows: split.validationIndices, info };
}

export async function trainSubmission(request: TrainRequest): Promise<{ curves: CurveSummary; split: TrainingSplit }> {
  const settings = parseTrainingSettings(request.settings);
  const { data, budget } = request;
  const { trainRows, validationRows, info } = trainingRows(data.labels, data.numClasses, settings.validationSplit, request.seed, budget.maxTrainExamples);
  const width = data.shape[0] * data.shape[1] * data.shape[2];
  const epochs: EpochRecord[] = [];
  const totalEpochs = Math.min(settings.epochs, budget.maxEpochs);
  // Progress inside an epoch, at most every BATCH_PROGRESS_MS (each one is a database write in the worker).
  let lastBatchReport = performance.now();
  await request.onProgress?.({ type: "phase", phase: "TRAINING", message: `training on ${info.trainCount} examples, validating on ${info.validationCount}` });
  const result = await trainModel(
    request.model,
    {
      trainImages: gatherRows(data.images, trainRows, width),
      trainLabels: gatherRows(data.labels, trainRows, 1),
      valImages: gatherRows(data.images, validationRows, width),
      valLabels: gatherRows(data.labels, validationRows, 1),
      shape: data.shape,
      numClasses: data.numClasses,
    },
    {
      optimizer: settings.optimizer,
      learningRate: settings.learningRate,
      batchSize: settings.batchSize,
      epochs: settings.epochs,
      earlyStopping: settings.earlyStoppingPatience ? { patience: settings.earlyStoppingPatience, restoreBestWeights: true } : undefined,
      augmentation: settings.augmentation,
      preprocess: request.preprocessing,
      seed: request.seed,
    },
    {
      async onBatch({ epoch, batch, batchesPerEpoch }) {
        if (batch >= batchesPerEpoch || performance.now() - lastBatchReport < BATCH_PROGRESS_MS) return;
        lastBatchReport = performance.now();
        await request.onProgress?.({ type: "batch", epoch, batch, batchesPerEpoch, totalEpochs });
      },
      async onEpochEnd(epoch, metrics) {
        const record: EpochRecord = {
          epoch,
          loss: metrics.loss,
          accuracy: metrics.acc,
          valLoss: Number.isFinite(metrics.valLoss) ? metrics.valLoss : null,
          valAccuracy: Number.isFinite(metrics.valAcc) ? metrics.valAcc : null,
          seconds: metrics.seconds,
          ...(metrics.partial ? { partial: true } : {}),
        };
        epochs.push(record);
        const perEpoch = epochs.reduce((sum, e) => sum + (e.seconds ?? 0), 0) / epochs.length;
        await request.onProgress?.({ type: "epoch", record, totalEpochs, etaSeconds: Math.round(perEpoch * (totalEpochs - epoch)) });
      },
    },
    { maxEpochs: budget.maxEpochs, maxSeconds: budget.maxSeconds },
    { maxReplicas: request.cpuShare },
  );
  const curves = summarizeCurves("training", epochs, {
    stoppedEarly: result.stopKind !== "completed",
    stopReason: result.stopReason,
    scoredEpoch: result.scoredEpoch,
    restoredBestWeights: result.restoredBestWeights,
    augmentation: result.augmentation,
  });
  return { curves, split: info };
}
