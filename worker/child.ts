/**
 * The sandboxed child (compiled to dist/child.mjs, started by lib/sandbox/spawn.ts under Node's
 * permission model). It does one task and exits:
 * - a job ("task"): load the test data, load (or train) the model, score it on the public and
 *   private splits, and report back to the worker over IPC;
 * - an upload check ("check"): the files' bytes arrive over IPC, checkSubmissionFiles reads and
 *   trial-runs them, the verdict goes back.
 * No database access here, and no file access beyond what the parent allowed.
 */
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { loadDataset, splitPublicPrivate, splitTrainValidation, type LoadedDataset } from "../datasets";
import { initEngine } from "../lib/engine/backend";
import { calibrateEngine, formatProblem, isSubmissionError, loadSubmissionModel, parseTrainingSettings, predictImages, type EngineRates, type LoadedSubmission, type Preprocessing } from "../lib/models";
import { scrubPaths } from "../lib/scrub-paths";
import { checkSubmissionFiles } from "../lib/submissions/check-files";
import { classificationReport } from "../lib/scoring";
import { trainModel } from "../lib/training";
import { decodeTestSet } from "../lib/competitions/test-set-format";
import { summarizeCurves } from "../lib/submissions/curves";
import type { CurveSummary, EpochRecord, EvaluationResult, MisclassifiedExample, SplitMetrics } from "../lib/submissions/evaluation";
import { parseTrainingHistory } from "../lib/submissions/history";
import type { CheckTask, CheckVerdict, ChildMessage, EvaluationTask, ParentMessage } from "./protocol";

const MAX_MISCLASSIFIED = 48;

function send(message: ChildMessage) {
  process.send?.(message);
}

/** Errors of the platform (missing data, our bugs), as opposed to the student's model. */
class PlatformError extends Error {}

type TestData = Pick<LoadedDataset, "images" | "labels" | "count" | "shape" | "numClasses" | "classNames">;

async function loadTestData(task: EvaluationTask): Promise<TestData> {
  try {
    if (task.customTestSet) {
      const stored = decodeTestSet(new Uint8Array(await readFile(path.join(task.customTestSet.dir, task.customTestSet.files[0]))));
      return { ...stored, numClasses: stored.classNames.length };
    }
    return await loadDataset(task.dataset.id, "test", { dataDir: task.dataset.dataDir });
  } catch (error) {
    throw new PlatformError(`The competition's test data could not be loaded: ${(error as Error).message}`);
  }
}

function gather(source: Float32Array, rows: Uint32Array, width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => out.set(source.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

function gatherBytes(source: Uint8Array, rows: Uint32Array, width: number): Uint8Array {
  const out = new Uint8Array(rows.length * width);
  rows.forEach((row, i) => out.set(source.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

function splitMetrics(outputs: Float32Array, probabilities: Float32Array, labels: Uint8Array, rows: Uint32Array, numClasses: number, kind: "probabilities" | "logits", classNames: string[]): SplitMetrics {
  const report = classificationReport(gather(outputs, rows, numClasses), gather(probabilities, rows, numClasses), gatherBytes(labels, rows, 1), numClasses, kind);
  return {
    examples: report.examples,
    accuracy: report.accuracy,
    loss: report.loss,
    ece: report.ece,
    confusion: report.confusion,
    perClass: classNames.map((label, index) => ({
      label,
      accuracy: report.perClassAccuracy[index] ?? 0,
      precision: report.precision[index] ?? 0,
      recall: report.recall[index] ?? 0,
      support: report.confusion[index].reduce((a, b) => a + b, 0),
    })),
  };
}

/** The most confidently wrong public-split predictions: the ones worth looking at. */
function misclassifiedExamples(probabilities: Float32Array, labels: Uint8Array, publicRows: Uint32Array, numClasses: number): MisclassifiedExample[] {
  const wrong: MisclassifiedExample[] = [];
  for (const index of publicRows) {
    const row = probabilities.subarray(index * numClasses, (index + 1) * numClasses);
    let predicted = 0;
    for (let k = 1; k < numClasses; k++) if (row[k] > row[predicted]) predicted = k;
    if (predicted !== labels[index]) wrong.push({ index, predicted, actual: labels[index], confidence: row[predicted] });
  }
  return wrong.sort((a, b) => b.confidence - a.confidence).slice(0, MAX_MISCLASSIFIED);
}

/** Training takes raw 0..255 mean/std; submissions declare them on the 0..1 scale. */
function trainingPreprocess(preprocessing: Preprocessing) {
  if (typeof preprocessing === "string") return preprocessing;
  return { mean: preprocessing.mean.map((m) => m * 255), std: preprocessing.std.map((s) => s * 255) };
}

async function train(task: EvaluationTask, loaded: LoadedSubmission, test: TestData): Promise<CurveSummary> {
  const settings = parseTrainingSettings(task.trainingSettings);
  let trainSet;
  try {
    trainSet = await loadDataset(task.dataset.id, "train", { dataDir: task.dataset.dataDir });
  } catch (error) {
    throw new PlatformError(`The competition's training data could not be loaded: ${(error as Error).message}`);
  }
  if (trainSet.numClasses !== test.numClasses) throw new PlatformError("The training data and the test set have different numbers of classes.");
  // The competition's fixed validation split, the same for everyone, so curves compare.
  const split = splitTrainValidation(trainSet.labels, { seed: task.split.seed, dataset: trainSet.name });
  let trainRows = split.trainIndices;
  if (task.budget.maxTrainExamples && trainRows.length > task.budget.maxTrainExamples) {
    // Indices are sorted; take an evenly spread subset so every class stays represented.
    const step = trainRows.length / task.budget.maxTrainExamples;
    trainRows = Uint32Array.from({ length: task.budget.maxTrainExamples }, (_, i) => trainRows[Math.floor(i * step)]);
  }
  const width = trainSet.shape[0] * trainSet.shape[1] * trainSet.shape[2];
  const epochs: EpochRecord[] = [];
  const totalEpochs = Math.min(settings.epochs, task.budget.maxEpochs);
  send({ type: "phase", phase: "TRAINING", message: `training on ${trainRows.length} examples, validating on ${split.validationIndices.length}` });
  const result = await trainModel(
    loaded.model as Parameters<typeof trainModel>[0],
    {
      trainImages: gatherBytes(trainSet.images, trainRows, width),
      trainLabels: gatherBytes(trainSet.labels, trainRows, 1),
      valImages: gatherBytes(trainSet.images, split.validationIndices, width),
      valLabels: gatherBytes(trainSet.labels, split.validationIndices, 1),
      shape: trainSet.shape,
      numClasses: trainSet.numClasses,
    },
    {
      optimizer: settings.optimizer,
      learningRate: settings.learningRate,
      batchSize: settings.batchSize,
      epochs: settings.epochs,
      earlyStopping: settings.earlyStoppingPatience ? { patience: settings.earlyStoppingPatience, restoreBestWeights: true } : undefined,
      augmentation: settings.augmentation,
      preprocess: trainingPreprocess(loaded.preprocessing),
      seed: task.split.seed,
    },
    {
      onEpochEnd(epoch, metrics) {
        const record: EpochRecord = { epoch, loss: metrics.loss, accuracy: metrics.acc, valLoss: metrics.valLoss, valAccuracy: metrics.valAcc, seconds: metrics.seconds };
        epochs.push(record);
        const perEpoch = epochs.reduce((sum, e) => sum + (e.seconds ?? 0), 0) / epochs.length;
        send({ type: "epoch", record, totalEpochs, etaSeconds: Math.round(perEpoch * (totalEpochs - epoch)) });
      },
    },
    { maxEpochs: task.budget.maxEpochs, maxSeconds: task.budget.maxSeconds },
    { maxReplicas: task.cpuShare },
  );
  return summarizeCurves("training", epochs, { stoppedEarly: result.stopKind !== "completed", stopReason: result.stopReason });
}

async function evaluate(task: EvaluationTask): Promise<EvaluationResult> {
  send({ type: "phase", phase: "VALIDATING" });
  let engine;
  try {
    engine = await initEngine({ prefer: task.backend, log: () => {} });
  } catch (error) {
    throw new PlatformError(`The scoring engine could not start: ${(error as Error).message}`);
  }
  const rates = await calibrateEngine();
  const test = await loadTestData(task);
  const split = splitPublicPrivate(test.labels, { seed: task.split.seed, publicFraction: task.split.publicFraction, numClasses: test.numClasses });

  const names = await readdir(task.filesDir);
  const files = await Promise.all(names.map(async (name) => ({ name, data: new Uint8Array(await readFile(path.join(task.filesDir, name))) })));
  // The upload check already told the history apart from the model files (its role).
  const historyNames = new Set(task.files.filter((file) => file.role === "history").map((file) => file.name));
  const historyFile = files.find((file) => historyNames.has(file.name));
  const modelFiles = files.filter((file) => file !== historyFile);
  const dataset = { name: task.dataset.id, shape: test.shape, numClasses: test.numClasses };
  const limits = { maxParams: task.limits.maxParams, maxFlopsPerExample: task.limits.maxFlops };
  const loaded = await loadSubmissionModel(modelFiles, {
    dataset,
    preprocessing: (task.preprocessing as Preprocessing | null) ?? undefined,
    limits,
    track: task.kind === "DEFINITION" ? "architecture" : "weights",
    scoring: { examples: test.count, timeoutSeconds: task.limits.timeoutSeconds, memoryMb: task.limits.memoryMb, rates },
  });
  try {
    let curves: CurveSummary | null = null;
    if (task.kind === "DEFINITION") curves = await train(task, loaded, test);
    else if (historyFile) curves = summarizeCurves("history", parseTrainingHistory(historyFile.name, historyFile.data));

    send({ type: "phase", phase: "SCORING" });
    const started = performance.now();
    const predictions = await predictImages(loaded, test.images, test.count, test.shape, { batchSize: loaded.scoringBatchSize });
    const seconds = (performance.now() - started) / 1000;
    const kind = predictions.outputKind === "logits" ? "logits" : "probabilities";
    return {
      backend: engine.backend,
      examplesPerSecond: seconds > 0 ? test.count / seconds : 0,
      format: loaded.formatLabel,
      summary: loaded.summary,
      public: splitMetrics(predictions.outputs, predictions.probabilities, test.labels, split.publicIndices, test.numClasses, kind, test.classNames),
      private: splitMetrics(predictions.outputs, predictions.probabilities, test.labels, split.privateIndices, test.numClasses, kind, test.classNames),
      misclassified: misclassifiedExamples(predictions.probabilities, test.labels, split.publicIndices, test.numClasses),
      curves,
      splitInfo: { seed: split.seed, publicFraction: split.publicFraction, algorithm: split.algorithm, publicCount: split.counts.public, privateCount: split.counts.private, preprocessing: loaded.preprocessing },
      classNames: test.classNames,
      warnings: loaded.warnings.map(formatProblem),
    };
  } finally {
    loaded.dispose();
  }
}

async function check(task: CheckTask): Promise<{ verdict: CheckVerdict; rates: EngineRates }> {
  const rates = task.rates ?? (await calibrateEngine());
  const result = await checkSubmissionFiles({
    files: task.files,
    kind: task.kind,
    preprocessing: task.preprocessing as Preprocessing | null,
    competition: task.competition as Parameters<typeof checkSubmissionFiles>[0]["competition"],
    trainingSettings: task.trainingSettings,
    rates,
  });
  if (!result.ok) return { verdict: { ok: false, errors: result.errors.map(scrubPaths), warnings: result.warnings.map(scrubPaths) }, rates };
  const roles = task.files.map((file) => result.files.find((checked) => checked.name === file.name && checked.data === file.data)?.role ?? "model");
  return { verdict: { ok: true, roles, format: result.format, warnings: result.warnings.map(scrubPaths), trainingSettings: result.trainingSettings }, rates };
}

/** Test builds only: what reading each path does from inside the sandbox (ERR_ACCESS_DENIED expected). */
function probe(paths: string[]): Array<{ path: string; outcome: string }> {
  return paths.map((p) => {
    try {
      readFileSync(p);
      return { path: p, outcome: "read" };
    } catch (error) {
      return { path: p, outcome: (error as NodeJS.ErrnoException).code ?? "error" };
    }
  });
}

function failureFor(error: unknown): ChildMessage {
  if (isSubmissionError(error)) return { type: "failure", source: "SUBMISSION", message: scrubPaths(error.problems.map(formatProblem).join("\n")) };
  if (error instanceof PlatformError) return { type: "failure", source: "PLATFORM", message: scrubPaths(error.message) };
  return { type: "failure", source: "SUBMISSION", message: scrubPaths(`Holdout could not run your model: ${(error as Error).message}. Check that it runs in Keras on the competition's input shape.`) };
}

// If the parent dies (killed, machine lost), nobody is listening any more: stop at once.
process.once("disconnect", () => process.exit(1));

process.once("message", async (message: ParentMessage) => {
  try {
    if (message.type === "task") send({ type: "result", result: await evaluate(message.task) });
    else if (message.type === "check") send({ type: "check-result", ...(await check(message.task)) });
    else if (message.type === "probe" && process.env.NODE_ENV === "test") send({ type: "probe-result", results: probe(message.paths), envKeys: Object.keys(process.env) });
  } catch (error) {
    send(failureFor(error));
  } finally {
    // Let the IPC message flush, then exit: wasm and tfjs keep handles that would hold the process.
    setTimeout(() => process.exit(0), 50);
  }
});

// A spare for upload checks loads its engine now, then says it is ready for a task.
if (process.env.HOLDOUT_SANDBOX_WARM) {
  initEngine({ prefer: process.env.HOLDOUT_SANDBOX_WARM as "wasm", log: () => {} })
    .then(() => send({ type: "ready" }))
    .catch((error) => {
      send({ type: "failure", source: "PLATFORM", message: scrubPaths(`The checking engine could not start: ${(error as Error).message}`) });
      setTimeout(() => process.exit(1), 50);
    });
} else send({ type: "ready" });
