/**
 * One job in the sandboxed child: start the engine, read the job's files and test data from the
 * directories the worker prepared, and run the scorer (./evaluate.ts) on them.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { loadDataset } from "@/lib/datasets";
import { decodeTestSet } from "@/lib/competitions/test-set-format";
import { initEngine } from "@/lib/engine/backend";
import { calibrateEngine } from "@/lib/models";
import type { EvaluationTask } from "@/lib/sandbox/protocol";
import { PlatformError } from "./errors";
import { evaluateSubmission } from "./evaluate";
import { trainSlice } from "./train-slice";
import type { EvaluationResult } from "./schemas";
import type { EvaluationProgress, TestData } from "./types";

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

async function loadTrainingData(task: EvaluationTask) {
  try {
    return await loadDataset(task.dataset.id, "train", { dataDir: task.dataset.dataDir });
  } catch (error) {
    throw new PlatformError(`The competition's training data could not be loaded: ${(error as Error).message}`);
  }
}

/**
 * The training slice for the "trained on the test set?" check (./train-slice.ts): only for
 * competitions on an official test set (an instructor's own set has no training data of its
 * kind), and only from files already on this machine (never a download from inside a job).
 */
async function loadTrainSlice(task: EvaluationTask): Promise<TestData | null> {
  if (task.customTestSet) return null;
  try {
    return trainSlice(await loadDataset(task.dataset.id, "train", { dataDir: task.dataset.dataDir, allowFetch: false }));
  } catch {
    return null;
  }
}

export async function runEvaluationTask(task: EvaluationTask, onProgress: (event: EvaluationProgress) => void | Promise<void>): Promise<EvaluationResult> {
  await onProgress({ type: "phase", phase: "VALIDATING" });
  try {
    await initEngine({ prefer: task.backend, log: () => {} });
  } catch (error) {
    throw new PlatformError(`The scoring engine could not start: ${(error as Error).message}`);
  }
  const rates = await calibrateEngine();
  const test = await loadTestData(task);
  // The upload check already told the history apart from the model files (its role).
  const roles = new Map(task.files.map((file) => [file.name, file.role]));
  const names = await readdir(task.filesDir);
  const files = await Promise.all(names.map(async (name) => ({ name, data: new Uint8Array(await readFile(path.join(task.filesDir, name))), role: roles.get(name) })));
  return evaluateSubmission({
    kind: task.kind,
    files,
    preprocessing: task.preprocessing,
    test,
    datasetName: task.dataset.id,
    split: task.split,
    limits: { ...task.limits, rates },
    trainSlice: { load: () => loadTrainSlice(task) },
    training: { load: () => loadTrainingData(task), settings: task.trainingSettings, budget: task.budget, cpuShare: task.cpuShare },
    // HOLDOUT_SCORING_ENGINE reaches the child's environment (lib/sandbox/spawn.ts). ONNX Runtime
    // gets two threads only when the job has at least two CPUs to itself (one job per 2+ cores).
    scoringThreads: Math.min(2, Math.max(1, Math.floor(task.cpuShare))),
    onProgress,
  });
}
