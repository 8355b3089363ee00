/**
 * The scorer: load -> (train) -> predict -> metrics on the public and private splits -> result.
 * The one code path that produces students' scores: the sandboxed child runs it for every job
 * (through ./task.ts), `holdout score` and the fixture accuracy tests run it directly.
 */
import * as tf from "@tensorflow/tfjs";
import { splitPublicPrivate } from "../../datasets";
import { currentEngine } from "../engine/backend";
import { formatProblem, loadSubmissionModel, predictImages, type Preprocessing } from "../models";
import type * as tfTypes from "@tensorflow/tfjs";
import { parseTrainingHistory } from "../submissions/history";
import { summarizeCurves } from "./curves";
import { PlatformError } from "./errors";
import { misclassifiedExamples, splitMetrics } from "./metrics";
import { evaluationResultSchema, type CurveSummary, type EngineReport, type EvaluationResult, type TrainingSplit } from "./schemas";
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
  /** Examples per inference batch (default: what the memory limit allows, else 256). */
  batchSize?: number;
  onProgress?: (event: EvaluationProgress) => void | Promise<void>;
}

function engineReport(): EngineReport {
  const engine = currentEngine();
  if (!engine) return { backend: tf.getBackend(), skipped: [] };
  return { backend: engine.backend, device: engine.device, threads: engine.details.wasmThreads ?? null, skipped: engine.details.skipped };
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
    const started = performance.now();
    const predictions = await predictImages(loaded, test.images, test.count, test.shape, { batchSize: request.batchSize ?? loaded.scoringBatchSize ?? 256 });
    const seconds = (performance.now() - started) / 1000;
    const kind = predictions.outputKind === "logits" ? "logits" : "probabilities";
    const labels = test.labels.subarray(0, test.count);
    const split = splitPublicPrivate(labels, { seed: request.split.seed, publicFraction: request.split.publicFraction, numClasses: test.numClasses });
    const all = Uint32Array.from({ length: test.count }, (_, i) => i);
    const metricsOf = (rows: ArrayLike<number>) => splitMetrics(predictions.outputs, predictions.probabilities, labels, rows, test.numClasses, kind, test.classNames);
    const warnings = loaded.warnings.map(formatProblem);
    const engine = engineReport();
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
    } satisfies EvaluationResult);
  } finally {
    loaded.dispose();
  }
}
