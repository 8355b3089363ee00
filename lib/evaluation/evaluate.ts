/**
 * The scorer: load -> (train) -> predict -> metrics on the public and private splits -> result.
 * The one code path that produces students' scores: the sandboxed child runs it for every job
 * (through ./task.ts), `holdout score` and the fixture accuracy tests run it directly.
 */
import * as tf from "@tensorflow/tfjs";
import { splitPublicPrivate } from "@/lib/datasets";
import { currentEngine } from "@/lib/engine/backend";
import { chooseScorer, onnxEngineLabel, OnnxUnavailableError, scoringEngineFromEnv, type ScorerChoice, type ScoringEngine } from "@/lib/engine/onnx";
import { formatProblem, loadSubmissionModel, predictImages, type Preprocessing } from "@/lib/models";
import type { LoadedSubmission } from "@/lib/models/load";
import { applyLookup, pixelLookupTables } from "@/lib/models/preprocessing";
import type * as tfTypes from "@tensorflow/tfjs";
import { parseTrainingHistory } from "@/lib/submissions/history";
import { argmaxRows, packBits } from "@/lib/scoring";
import { summarizeCurves } from "./curves";
import { PlatformError } from "./errors";
import { misclassifiedExamples, splitMetrics } from "./metrics";
import { evaluationResultSchema, type CurveSummary, type EngineReport, type EvaluationResult, type PerExample, type Robustness, type TrainingSplit, type TrainSliceResult } from "./schemas";
import { measureRobustness, ROBUSTNESS } from "./robustness";
import { trainSubmission, type TrainingSet } from "./train";
import type { EvaluationFile, EvaluationProgress, ScoringLimits, TestData, TrainingBudget } from "./types";

export interface EvaluationRequest {
  kind: "WEIGHTS" | "DEFINITION";
  files: EvaluationFile[];
  /** Declared preprocessing ("1/255", "raw", {mean, std} on the 0..1 scale, or its text); absent = the model's default. */
  preprocessing?: Preprocessing | string | null;
  /** The competition's test set, and its dataset's name for messages ("mnist images are 28x28x1"). */
  test: TestData;
  datasetName?: string;
  /** Its public/private split (seeded, stratified). */
  split: { seed: number; publicFraction: number };
  /** The job's limits; without them (the CLI, tests) only the model's own checks apply. */
  limits?: ScoringLimits;
  /** Definitions only: the training data, the student's settings and the competition's budget. */
  training?: { load: () => Promise<TrainingSet>; settings: unknown; budget: TrainingBudget; cpuShare?: number };
  /**
   * Competitions on an official test set: a fixed slice of the official training data
   * (./train-slice.ts) to score the model on as well ("trained on the test set?"); null when the
   * training data is not on this machine.
   */
  trainSlice?: { load: () => Promise<TestData | null> };
  /** Examples per inference batch (default: what the memory limit allows, else 256). */
  batchSize?: number;
  /**
   * Scoring engine (lib/engine/onnx): "auto" = ONNX Runtime when the model exports, else TF.js;
   * "onnx" = the same, but a runtime that cannot load is the platform's failure; "tfjs" = TF.js
   * only. Default: HOLDOUT_SCORING_ENGINE, else auto. Training always runs on TF.js.
   */
  scoringEngine?: ScoringEngine;
  /** ONNX Runtime intra-op threads (default 1; 2 where the job has the machine to itself). */
  scoringThreads?: number;
  onProgress?: (event: EvaluationProgress) => void | Promise<void>;
}

/** The engine that predicted: ONNX Runtime, or the TF.js backend and why not ONNX Runtime. */
function engineReport(onnx: { threads: number } | null, fallbackReason: string | null): EngineReport {
  if (onnx) return { backend: "onnxruntime", device: "cpu", threads: onnx.threads, skipped: [], label: onnxEngineLabel(onnx.threads) };
  const engine = currentEngine();
  const notOnnx = fallbackReason ? [{ backend: "onnxruntime", reason: fallbackReason }] : [];
  const backend = engine?.backend ?? tf.getBackend();
  const label = `tfjs-${backend}${fallbackReason ? `: ${fallbackReason}` : ""}`;
  if (!engine) return { backend, skipped: notOnnx, label };
  return { backend, device: engine.device, threads: engine.details.wasmThreads ?? null, skipped: [...notOnnx, ...engine.details.skipped], label };
}

/** The preprocessed first examples (the same lookup the scorer uses): ONNX Runtime's check against TF.js. */
function probeValues(loaded: LoadedSubmission, test: TestData, count: number): Float32Array {
  const [, , c] = test.shape;
  const perImage = test.shape[0] * test.shape[1] * c;
  const n = Math.min(count, test.count);
  return applyLookup(test.images.subarray(0, n * perImage), pixelLookupTables(loaded.preprocessing, c), new Float32Array(n * perImage));
}

/**
 * Accuracy on the training slice, with the engine that scored the test set. A failure here never
 * fails the job: the check is left out (null).
 */
async function scoreTrainSlice(loaded: LoadedSubmission, request: EvaluationRequest, batchSize: number, onnx: ScorerChoice["scorer"]): Promise<TrainSliceResult | null> {
  if (!request.trainSlice) return null;
  try {
    const slice = await request.trainSlice.load();
    if (!slice || slice.numClasses !== request.test.numClasses || slice.shape.join("x") !== request.test.shape.join("x")) return null;
    const runBatch = onnx ? (values: Float32Array, n: number) => onnx.run(values, n) : undefined;
    const predictions = await predictImages(loaded, slice.images, slice.count, slice.shape, { batchSize, ...(runBatch ? { runBatch } : {}) });
    const predicted = argmaxRows(predictions.outputs, slice.numClasses);
    let correct = 0;
    for (let i = 0; i < slice.count; i++) if (predicted[i] === slice.labels[i]) correct++;
    return { examples: slice.count, accuracy: slice.count > 0 ? correct / slice.count : 0 };
  } catch {
    return null;
  }
}

/**
 * The robustness panel (./robustness.ts) on the public split, predicted by the engine that scored
 * the test set, within a share of the job's time limit. A failure here never fails the job.
 */
async function scoreRobustness(loaded: LoadedSubmission, request: EvaluationRequest, batchSize: number, onnx: ScorerChoice["scorer"], outputs: Float32Array, seconds: number, engine: string): Promise<Robustness | null> {
  const { test } = request;
  try {
    const split = splitPublicPrivate(test.labels.subarray(0, test.count), { seed: request.split.seed, publicFraction: request.split.publicFraction, numClasses: test.numClasses });
    const runBatch = onnx ? (values: Float32Array, n: number) => onnx.run(values, n) : undefined;
    return await measureRobustness({
      images: test.images,
      labels: test.labels,
      shape: test.shape,
      numClasses: test.numClasses,
      publicIndices: split.publicIndices,
      predicted: argmaxRows(outputs, test.numClasses),
      predict: async (images, count) => argmaxRows((await predictImages(loaded, images, count, test.shape, { batchSize, ...(runBatch ? { runBatch } : {}) })).outputs, test.numClasses),
      maxSeconds: request.limits ? request.limits.timeoutSeconds * ROBUSTNESS.timeShare : undefined,
      examplesPerSecond: seconds > 0 ? test.count / seconds : undefined,
      engine,
    });
  } catch {
    return null;
  }
}

/** Correctness bitsets of both splits and the public split's predicted classes (never leave the server). */
function perExampleResults(outputs: Float32Array, labels: Uint8Array, numClasses: number, split: { publicIndices: ArrayLike<number>; privateIndices: ArrayLike<number> }): PerExample {
  const predicted = argmaxRows(outputs, numClasses);
  const correctness = (rows: ArrayLike<number>) => packBits(Array.from(rows, (row) => predicted[row] === labels[row]));
  return {
    publicCorrect: correctness(split.publicIndices),
    privateCorrect: correctness(split.privateIndices),
    publicPredictions: Uint8Array.from(split.publicIndices as ArrayLike<number>, (row) => predicted[row]),
  };
}

/** Predicts on the test set with the chosen engine; an ONNX Runtime failure mid-way reruns it on TF.js. */
async function predictTestSet(loaded: LoadedSubmission, test: TestData, batchSize: number, choice: ScorerChoice) {
  const { scorer } = choice;
  if (scorer) {
    try {
      return { predictions: await predictImages(loaded, test.images, test.count, test.shape, { batchSize, runBatch: (values, n) => scorer.run(values, n) }), onnx: scorer, fallbackReason: null };
    } catch (error) {
      const reason = `onnxruntime failed while scoring: ${(error as Error).message.split("\n")[0].slice(0, 200)}`;
      return { predictions: await predictImages(loaded, test.images, test.count, test.shape, { batchSize }), onnx: null, fallbackReason: reason };
    }
  }
  return { predictions: await predictImages(loaded, test.images, test.count, test.shape, { batchSize }), onnx: null, fallbackReason: choice.fallbackReason };
}

export async function evaluateSubmission(request: EvaluationRequest): Promise<EvaluationResult> {
  const { test, limits } = request;
  const historyFile = request.files.find((file) => file.role === "history");
  const modelFiles = request.files.filter((file) => file !== historyFile);
  const loaded = await loadSubmissionModel(modelFiles, {
    dataset: { name: request.datasetName ?? "competition", shape: test.shape, numClasses: test.numClasses },
    preprocessing: request.preprocessing ?? undefined,
    limits: limits ? { maxParams: limits.maxParams, maxFlopsPerExample: limits.maxFlops } : undefined,
    track: request.kind === "DEFINITION" ? "architecture" : "weights",
    scoring: limits ? { examples: test.count, timeoutSeconds: limits.timeoutSeconds, memoryMb: limits.memoryMb, rates: limits.rates } : undefined,
  });
  try {
    if (loaded.numClasses !== test.numClasses) throw new Error(`model outputs ${loaded.numClasses} classes, the test set has ${test.numClasses}`);
    let curves: CurveSummary | null = null;
    let training: TrainingSplit | null = null;
    if (request.kind === "DEFINITION") {
      if (!request.training) throw new PlatformError("A definition needs the competition's training data to train on.");
      const data = await request.training.load();
      if (data.numClasses !== test.numClasses) throw new PlatformError("The training data and the test set have different numbers of classes.");
      ({ curves, split: training } = await trainSubmission({
        model: loaded.model as tfTypes.LayersModel,
        data,
        settings: request.training.settings,
        budget: request.training.budget,
        preprocessing: loaded.preprocessing,
        seed: request.split.seed,
        cpuShare: request.training.cpuShare,
        onProgress: request.onProgress,
      }));
    } else if (historyFile) curves = summarizeCurves("history", parseTrainingHistory(historyFile.name, historyFile.data));

    await request.onProgress?.({ type: "phase", phase: "SCORING" });
    let choice: ScorerChoice;
    try {
      const engine = request.scoringEngine ?? scoringEngineFromEnv();
      // A GPU worker keeps TF.js (tfjs-node-gpu) unless ONNX Runtime is asked for by name.
      choice =
        engine === "auto" && currentEngine()?.device === "gpu"
          ? { scorer: null, fallbackReason: "TF.js runs on the GPU here", setupSeconds: 0 }
          : await chooseScorer(loaded, probeValues(loaded, test, 16), { engine, threads: request.scoringThreads });
    } catch (error) {
      if (error instanceof OnnxUnavailableError) throw new PlatformError(error.message);
      throw error;
    }
    const started = performance.now();
    let scored: Awaited<ReturnType<typeof predictTestSet>>;
    let trainSliceResult: TrainSliceResult | null = null;
    let robustness: Robustness | null = null;
    let seconds = 0;
    const batchSize = request.batchSize ?? loaded.scoringBatchSize ?? 256;
    try {
      scored = await predictTestSet(loaded, test, batchSize, choice);
      seconds = (performance.now() - started) / 1000;
      trainSliceResult = await scoreTrainSlice(loaded, request, batchSize, scored.onnx ? choice.scorer : null);
      robustness = await scoreRobustness(loaded, request, batchSize, scored.onnx ? choice.scorer : null, scored.predictions.outputs, seconds, engineReport(scored.onnx, scored.fallbackReason).backend);
    } finally {
      await choice.scorer?.release().catch(() => {});
    }
    const { predictions } = scored;
    const kind = predictions.outputKind === "logits" ? "logits" : "probabilities";
    const labels = test.labels.subarray(0, test.count);
    const split = splitPublicPrivate(labels, { seed: request.split.seed, publicFraction: request.split.publicFraction, numClasses: test.numClasses });
    const all = Uint32Array.from({ length: test.count }, (_, i) => i);
    const metricsOf = (rows: ArrayLike<number>) => splitMetrics(predictions.outputs, predictions.probabilities, labels, rows, test.numClasses, kind, test.classNames);
    const warnings = loaded.warnings.map(formatProblem);
    const engine = engineReport(scored.onnx, scored.fallbackReason);
    return evaluationResultSchema.parse({
      backend: engine.backend,
      examplesPerSecond: seconds > 0 ? test.count / seconds : 0,
      format: loaded.formatLabel,
      outputKind: loaded.outputKind,
      summary: loaded.summary,
      overall: metricsOf(all),
      public: metricsOf(split.publicIndices),
      private: metricsOf(split.privateIndices),
      misclassified: misclassifiedExamples(predictions.probabilities, labels, split.publicIndices, test.numClasses),
      curves,
      splitInfo: {
        seed: split.seed,
        publicFraction: split.publicFraction,
        algorithm: split.algorithm,
        publicCount: split.counts.public,
        privateCount: split.counts.private,
        preprocessing: loaded.preprocessing,
        classNames: test.classNames,
        warnings,
        training,
        engine,
      },
      classNames: test.classNames,
      warnings,
      perExample: perExampleResults(predictions.outputs, labels, test.numClasses, split),
      trainSlice: trainSliceResult,
      robustness,
    } satisfies EvaluationResult);
  } finally {
    loaded.dispose();
  }
}
