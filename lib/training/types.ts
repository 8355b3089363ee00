/**
 * Settings and results of a training run. The zod schema is what a job payload is parsed with,
 * so a bad setting fails with a message naming the field before any training starts.
 */
import { z } from "zod";
import type { CurveAnalysis } from "./overtraining";

export const preprocessSchema = z.union([
  z.literal("1/255"),
  z.literal("raw"),
  // One value for all channels, or one per channel; applied to raw 0..255 pixels.
  z.object({ mean: z.union([z.number(), z.array(z.number()).min(1)]), std: z.union([z.number().positive(), z.array(z.number().positive()).min(1)]) }),
]);

export const augmentationSchema = z.object({
  horizontalFlip: z.boolean().optional(),
  /** Maximum rotation either way, in degrees. */
  rotationDegrees: z.number().min(0).max(180).optional(),
  /** Maximum shift either way, as a fraction of the width / height (Keras' width_shift_range). */
  widthShift: z.number().min(0).max(1).optional(),
  heightShift: z.number().min(0).max(1).optional(),
});

export const trainingSettingsSchema = z.object({
  optimizer: z.enum(["adam", "sgd", "rmsprop"]),
  learningRate: z.number().positive(),
  batchSize: z.number().int().positive(),
  epochs: z.number().int().positive(),
  earlyStopping: z.object({ patience: z.number().int().min(0), restoreBestWeights: z.boolean() }).optional(),
  augmentation: augmentationSchema.optional(),
  preprocess: preprocessSchema,
  seed: z.number().int(),
});

export const trainingBudgetSchema = z.object({
  maxEpochs: z.number().int().positive(),
  maxSeconds: z.number().positive(),
});

export type Preprocess = z.infer<typeof preprocessSchema>;
export type Augmentation = z.infer<typeof augmentationSchema>;
export type TrainingSettings = z.infer<typeof trainingSettingsSchema>;
export type TrainingBudget = z.infer<typeof trainingBudgetSchema>;

/** Images are uint8 NHWC (channel last), labels are class indices. */
export interface TrainingData {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  valImages: Uint8Array;
  valLabels: Uint8Array;
  shape: [number, number, number];
  numClasses: number;
}

/** One epoch's curves. Epochs are numbered from 1, as people read them. */
export interface EpochMetrics {
  epoch: number;
  /** Mean training loss and accuracy over the epoch's batches (dropout active, weights moving). */
  loss: number;
  acc: number;
  /** On the validation split, after the epoch, in inference mode. NaN when there is none. */
  valLoss: number;
  valAcc: number;
  seconds: number;
  /** True when the time budget cut this epoch short: it saw only part of the training set. */
  partial?: boolean;
}

export interface BatchInfo {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  acc: number;
}

export interface TrainingHooks {
  onEpochEnd(epoch: number, metrics: Omit<EpochMetrics, "epoch">): void | Promise<void>;
  onBatch?(info: BatchInfo): void | Promise<void>;
  /** Polled between batches; true stops training (e.g. the job was cancelled). */
  shouldStop?(): boolean;
}

export type StopKind = "completed" | "early-stopping" | "epoch-budget" | "time-budget" | "requested" | "diverged";

export interface TrainingResult {
  epochs: EpochMetrics[];
  stopKind: StopKind;
  /** A sentence for the report, e.g. "time budget reached after epoch 7". */
  stopReason: string;
  /** The epoch with the lowest validation loss (null without validation data). */
  bestEpoch: number | null;
  /** True when the weights left in the model are those of bestEpoch, not of the last epoch. */
  restoredBestWeights: boolean;
  /** Wall time of the whole run: worker start-up, training and validation passes. */
  totalSeconds: number;
  /** Examples per second of the training steps alone (batch preparation included, validation not). */
  trainExamplesPerSecond: number;
  /** Model replicas that trained (1 = one thread; more = data-parallel worker threads). */
  replicas: number;
  /** analyzeCurves(epochs): best epoch, start of overfitting, generalization gap. */
  analysis: CurveAnalysis;
}
