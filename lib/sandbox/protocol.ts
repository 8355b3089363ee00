import type { TrainingBudget } from "../competitions/schema";
import type { EngineRates } from "../models/cost";
import type { Preprocessing } from "../models/preprocessing";
import type { EvaluationProgress } from "../evaluation/types";
import type { EpochRecord, EvaluationResult } from "../evaluation/schemas";

export type { EngineRates, EpochRecord, EvaluationResult };

/**
 * Messages between a parent (the worker, or the web process for upload checks) and the
 * sandboxed child process (dist/child.mjs, compiled from worker/child.ts). The child has no
 * database access and reads only what its permissions list; it reports back over IPC.
 */
export interface EvaluationTask {
  submissionId: string;
  kind: "WEIGHTS" | "DEFINITION";
  /** Directory holding the submission's files under their uploaded names. */
  filesDir: string;
  files: Array<{ name: string; role: string }>;
  /** As the upload check resolved it (null: the model's default). */
  preprocessing: Preprocessing | null;
  trainingSettings: unknown;
  dataset: { id: string; dataDir?: string };
  /** An instructor's own test set, as files in filesDir's sibling directory. */
  customTestSet?: { dir: string; files: string[] };
  split: { seed: number; publicFraction: number };
  /** The competition's budget; maxTrainExamples: train on an evenly spread subset (CPU-only servers, tests). */
  budget: TrainingBudget;
  /** timeoutSeconds and memoryMb: the scoring limits (checked against the model's cost before it runs). */
  limits: { maxParams: number; maxFlops: number; timeoutSeconds: number; memoryMb: number };
  backend: "auto" | "tensorflow" | "wasm" | "cpu";
  /** CPUs this job may use for data-parallel training (the machine's, shared by concurrent jobs). */
  cpuShare: number;
}

/** The competition, as much of it as the upload check needs. */
export interface CheckCompetition {
  datasetId: string;
  resourceLimits: unknown;
  trainingBudget: unknown;
  testSet: { shape: number[]; classNames: string[]; count: number } | null;
}

/** An upload check: the files' bytes travel over IPC (never paths). */
export interface CheckTask {
  files: Array<{ name: string; data: Uint8Array }>;
  kind: "WEIGHTS" | "DEFINITION";
  preprocessing: unknown;
  trainingSettings?: unknown;
  competition: CheckCompetition;
  /** The engine speed a previous check measured; the child measures it when missing. */
  rates: EngineRates | null;
}

/** The check's verdict; roles[i] is the role of files[i] (bytes are not sent back). */
export type CheckVerdict =
  | { ok: true; roles: Array<"model" | "history">; format: string; warnings: string[]; trainingSettings: unknown }
  | { ok: false; errors: string[]; warnings: string[] };

export type ChildMessage =
  /** A spare child has loaded its code and engine and waits for a task. */
  | { type: "ready" }
  /** The scorer's progress: { type: "phase" } and { type: "epoch" } (lib/evaluation/types.ts). */
  | EvaluationProgress
  | { type: "result"; result: EvaluationResult }
  | { type: "check-result"; verdict: CheckVerdict; rates: EngineRates }
  /** Test builds only (NODE_ENV=test): what reading each path did. */
  | { type: "probe-result"; results: Array<{ path: string; outcome: string }>; envKeys: string[] }
  /** source SUBMISSION: the student's model is at fault (counts toward the limit); PLATFORM: ours. */
  | { type: "failure"; source: "SUBMISSION" | "PLATFORM"; message: string };

export type ParentMessage =
  | { type: "task"; task: EvaluationTask }
  | { type: "check"; task: CheckTask }
  /** Honoured only when the child runs with NODE_ENV=test: try to read these paths. */
  | { type: "probe"; paths: string[] };
