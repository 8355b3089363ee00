/**
 * Settings and results of a training run. The student-facing settings have one zod schema,
 * lib/models/training-settings.ts (the upload check and the scorer parse them there);
 * lib/evaluation/train.ts turns them into these run settings (the preprocessing, the seed and
 * early stopping's restore added), so nothing here is parsed twice.
 */
import type { CurveAnalysis } from "./overtraining";
import type { AugmentationSettings } from "@/lib/models/training-settings";
import type { Preprocessing } from "@/lib/models/preprocessing";
import type { TrainingBudget as CompetitionBudget } from "@/lib/competitions/schema";

export interface TrainingSettings {
  optimizer: "adam" | "sgd" | "rmsprop";
  learningRate: number;
  batchSize: number;
  epochs: number;
  earlyStopping?: { patience: number; restoreBestWeights: boolean };
  /** The student-facing augmentation settings (lib/models/training-settings.ts); absent keys are off. */
  augmentation?: Partial<AugmentationSettings>;
  /** The submission's preprocessing (0..1 scale, lib/models/preprocessing.ts). */
  preprocess: Preprocessing;
  seed: number;
}

export type Augmentation = NonNullable<TrainingSettings["augmentation"]>;
/** What a training run is held to; the competition's budget (lib/competitions/budget.ts) fits it. */
export type TrainingBudget = Pick<CompetitionBudget, "maxEpochs" | "maxSeconds">;

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
  /** The epoch whose weights the model holds at the end (what gets scored); null when no epoch finished. */
  scoredEpoch: number | null;
  /** The augmentation that acted on the training images, in words: settings first, then the model's layers. */
  augmentation: string[];
  /** Wall time of the whole run: worker start-up, training and validation passes. */
  totalSeconds: number;
  /** Examples per second of the training steps alone (batch preparation included, validation not). */
  trainExamplesPerSecond: number;
  /** Model replicas that trained (1 = one thread; more = data-parallel worker threads). */
  replicas: number;
  /** analyzeCurves(epochs): best epoch, start of overfitting, generalization gap. */
  analysis: CurveAnalysis;
}
