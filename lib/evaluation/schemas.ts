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
});
export type EvaluationResult = z.output<typeof evaluationResultSchema>;
