import type { EpochRecord, EvaluationResult } from "../lib/submissions/evaluation";

export type { EpochRecord, EvaluationResult };

/**
 * Messages between the worker and the child process that runs one job. The child has no database
 * access: it gets its job's files in a private directory and reports back over IPC.
 */
export interface EvaluationTask {
  submissionId: string;
  kind: "WEIGHTS" | "DEFINITION";
  /** Directory holding the submission's files under their uploaded names. */
  filesDir: string;
  files: Array<{ name: string; role: string }>;
  preprocessing: unknown;
  trainingSettings: unknown;
  dataset: { id: string; dataDir?: string };
  /** An instructor's own test set, as files in filesDir's sibling directory. */
  customTestSet?: { dir: string; files: string[] };
  split: { seed: number; publicFraction: number };
  /** maxTrainExamples: train on an evenly spread subset (CPU-only servers, tests). */
  budget: { maxEpochs: number; maxSeconds: number; maxParams: number; maxTrainExamples?: number };
  limits: { maxParams: number; maxFlops: number };
  backend: "auto" | "tensorflow" | "wasm" | "cpu";
  /** CPUs this job may use for data-parallel training (the machine's, shared by concurrent jobs). */
  cpuShare: number;
}

export type ChildMessage =
  | { type: "phase"; phase: "VALIDATING" | "TRAINING" | "SCORING"; message?: string }
  | { type: "epoch"; record: EpochRecord; totalEpochs: number; etaSeconds: number | null }
  | { type: "result"; result: EvaluationResult }
  /** source SUBMISSION: the student's model is at fault (counts toward the limit); PLATFORM: ours. */
  | { type: "failure"; source: "SUBMISSION" | "PLATFORM"; message: string };

export type ParentMessage = { type: "task"; task: EvaluationTask };
