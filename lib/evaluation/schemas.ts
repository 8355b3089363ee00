/**
 * The scorer's result and the report it becomes, as zod schemas: one definition of each shape,
 * parsed where a report is written (worker/evaluate.ts) and where it is read (web/view/report.ts,
 * the API). Types are inferred from the schemas, never written twice.
 */
import { z } from "zod";
import { modelSummarySchema } from "@/lib/models/summary";

export { modelSummarySchema };
export type { ModelSummary, SummaryLayer } from "@/lib/models/summary";

/** Any number, NaN and infinities included (a diverged model's loss is NaN: still a result). */
const anyNumber = z.custom<number>((value) => typeof value === "number", { message: "expected a number" });
/** JSON has no NaN or Infinity: JSON.stringify writes null, which reads back as NaN. */
const metric = z.union([anyNumber, z.null()]).transform((value) => value ?? Number.NaN);
/** A value that may be absent (null), e.g. validation loss without a validation split. */
const optionalMetric = z.union([anyNumber, z.null()]).transform((value) => (value === null || Number.isNaN(value) ? null : value));
const count = z.number().int().nonnegative();

export const epochRecordSchema = z.object({
  epoch: z.number().int().positive(),
  loss: metric,
  accuracy: optionalMetric,
  valLoss: optionalMetric,
  valAccuracy: optionalMetric,
  seconds: optionalMetric,
  /** True when the time budget cut this epoch short: it saw only part of the training set. */
  partial: z.boolean().optional(),
});
export type EpochRecord = z.output<typeof epochRecordSchema>;

/** What the scorer reports while it runs (the child forwards these to the worker). */
export const evaluationProgressSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("phase"), phase: z.enum(["VALIDATING", "TRAINING", "SCORING"]), message: z.string().optional() }),
  z.object({ type: z.literal("epoch"), record: epochRecordSchema, totalEpochs: z.number().int().positive(), etaSeconds: z.number().nullable() }),
  /** Inside an epoch (sent every few seconds, not every batch): `epoch` is the one running. */
  z.object({ type: z.literal("batch"), epoch: z.number().int().positive(), batch: z.number().int().positive(), batchesPerEpoch: z.number().int().positive(), totalEpochs: z.number().int().positive() }),
]);
export type EvaluationProgress = z.output<typeof evaluationProgressSchema>;

export const curveSummarySchema = z.object({
  /** "training": recorded by Holdout while it trained; "history": the student's uploaded Keras history. */
  source: z.enum(["training", "history"]),
  epochs: z.array(epochRecordSchema),
  /** Epoch (1-based) with the lowest validation loss. */
  bestEpoch: z.number().nullable(),
  /** First epoch of sustained overtraining: validation loss rising while training loss falls. */
  overfitStartEpoch: z.number().nullable(),
  /** valLoss - loss per epoch (null where there is no validation loss); curves stored without it (older rows) read as []. */
  generalizationGap: z.array(optionalMetric).default([]),
  stoppedEarly: z.boolean().optional(),
  stopReason: z.string().nullable().optional(),
  /** Holdout's training only: the epoch whose weights were scored (the best one when early stopping restored it). */
  scoredEpoch: z.number().int().positive().nullable().optional(),
  /** True when early stopping restored the best epoch's weights before scoring. */
  restoredBestWeights: z.boolean().optional(),
  /** Holdout's training only: the augmentation that acted on the training images, in words (settings, then the model's layers). */
  augmentation: z.array(z.string()).optional(),
});
export type CurveSummary = z.output<typeof curveSummarySchema>;

/** One class's row of the report (the scorer's per-class arrays, one object per class). */
export const perClassMetricsSchema = z.object({
  label: z.string(),
  accuracy: metric,
  precision: metric,
  recall: metric,
  support: count,
});
export type PerClassMetrics = z.output<typeof perClassMetricsSchema>;

export const confusionSchema = z.array(z.array(z.number().int().nonnegative())).refine((rows) => rows.every((row) => row.length === rows.length), { message: "the confusion matrix must be square" });

export const splitMetricsSchema = z.object({
  examples: count,
  accuracy: metric,
  loss: metric,
  ece: metric,
  confusion: confusionSchema,
  perClass: z.array(perClassMetricsSchema),
});
export type SplitMetrics = z.output<typeof splitMetricsSchema>;

export const misclassifiedExampleSchema = z.object({
  /**
   * Index in the competition's test set (the worker writes public-split indices only). Any
   * integer parses: whether it is in range and public depends on the test set, so the image route
   * checks it there, and one bad entry never hides the rest of the list.
   */
  index: z.number().int(),
  predicted: z.number().int().nonnegative(),
  actual: z.number().int().nonnegative(),
  confidence: metric,
});
export type MisclassifiedExample = z.output<typeof misclassifiedExampleSchema>;
export const misclassifiedSchema = z.array(misclassifiedExampleSchema);

/** Pixel preprocessing as recorded in a report (the 0..1 scale; see lib/models/preprocessing.ts). */
const recordedPreprocessingSchema = z.union([z.literal("raw"), z.literal("1/255"), z.object({ mean: z.array(z.number()), std: z.array(z.number()) })]);

/** How a definition was trained: the validation split it asked for, and the rows each side got. */
export const trainingSplitSchema = z.object({
  trainCount: z.number().int().nonnegative(),
  validationCount: z.number().int().nonnegative(),
  /** The definition's validation split (fraction of the training data held out). */
  validationSplit: z.number().min(0).max(1),
  /** Rows left out by the competition's maxTrainExamples budget (0 when none). */
  leftOut: z.number().int().nonnegative().default(0),
  seed: z.union([z.number(), z.string()]),
});
export type TrainingSplit = z.output<typeof trainingSplitSchema>;

/** The engine that ran the job, and why no faster one did (lib/engine/backend.ts). */
export const engineReportSchema = z.object({
  backend: z.string(),
  device: z.enum(["gpu", "cpu"]).optional(),
  threads: z.number().int().positive().nullable().optional(),
  skipped: z.array(z.object({ backend: z.string(), reason: z.string() })).default([]),
  /** One line for people: "onnxruntime (cpu, 1 thread)", or "tfjs-wasm: exporter refused layer 'x' (Lambda): ...". */
  label: z.string().optional(),
});
export type EngineReport = z.output<typeof engineReportSchema>;

export const splitInfoSchema = z.object({
  seed: z.union([z.number(), z.string()]).nullable().optional(),
  publicFraction: z.number().nullable().optional(),
  algorithm: z.string().nullable().optional(),
  publicCount: z.number().int().nonnegative().nullable().optional(),
  privateCount: z.number().int().nonnegative().nullable().optional(),
  preprocessing: recordedPreprocessingSchema.nullable().optional(),
  classNames: z.array(z.string()).default([]),
  warnings: z.array(z.string()).default([]),
  training: trainingSplitSchema.nullable().optional(),
  engine: engineReportSchema.nullable().optional(),
});
export type SplitInfo = z.output<typeof splitInfoSchema>;

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: "expected bytes" });

/**
 * Per-example results (lib/scoring/per-example.ts): correctness bitsets of the public and private
 * splits (one bit per example in split order) and the predicted class of each public example.
 * Stored on the Score row for intervals, paired tests and copy detection; never in a report,
 * an API response or a page.
 */
export const perExampleSchema = z.object({
  publicCorrect: bytes,
  privateCorrect: bytes,
  publicPredictions: bytes,
});
export type PerExample = z.output<typeof perExampleSchema>;

/**
 * Accuracy on a fixed slice of the official training data (lib/evaluation/train-slice.ts): the
 * "trained on the test set?" check. Absent for an instructor's own test set.
 */
export const trainSliceResultSchema = z.object({ examples: count, accuracy: z.number() });
export type TrainSliceResult = z.output<typeof trainSliceResultSchema>;

/**
 * The robustness panel (./robustness.ts): accuracy on the first `examples` images of the public
 * split as they are (`clean`) and perturbed: shifted 2 and 3 px, rotated +-15 degrees, with
 * Gaussian noise of `noiseSigma` pixel values (seeded). Never the private split.
 */
export const robustnessSchema = z.object({
  examples: count,
  publicExamples: count,
  clean: metric,
  conditions: z.array(z.object({ id: z.string(), label: z.string(), accuracy: metric })),
  noiseSigma: z.number(),
  seed: z.number().int(),
  /** The engine that predicted (the one that scored the test set). */
  engine: z.string().optional(),
});
export type Robustness = z.output<typeof robustnessSchema>;

/** What one scoring run returns (the child sends it to the worker, `holdout score` prints it). */
export const evaluationResultSchema = z.object({
  backend: z.string(),
  examplesPerSecond: metric,
  format: z.string(),
  outputKind: z.enum(["probabilities", "logits", "scores"]),
  summary: modelSummarySchema,
  /** Metrics of the whole test set (public + private): what `holdout score` prints. */
  overall: splitMetricsSchema,
  public: splitMetricsSchema,
  private: splitMetricsSchema,
  misclassified: misclassifiedSchema,
  curves: curveSummarySchema.nullable(),
  splitInfo: splitInfoSchema,
  classNames: z.array(z.string()),
  warnings: z.array(z.string()),
  perExample: perExampleSchema.optional(),
  trainSlice: trainSliceResultSchema.nullable().optional(),
  robustness: robustnessSchema.nullable().optional(),
});
export type EvaluationResult = z.output<typeof evaluationResultSchema>;
