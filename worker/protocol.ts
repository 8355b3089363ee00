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
  budget: { maxEpochs: number; maxSeconds: number; maxParams: number };
  limits: { maxParams: number; maxFlops: number };
  backend: "auto" | "tensorflow" | "wasm" | "cpu";
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

export interface SplitMetrics {
  examples: number;
  accuracy: number;
  loss: number;
  ece: number;
  confusion: number[][];
  perClass: Array<{ label: string; accuracy: number; precision: number; recall: number; support: number }>;
}

export interface EvaluationResult {
  backend: string;
  examplesPerSecond: number;
  format: string;
  summary: unknown;
  public: SplitMetrics;
  private: SplitMetrics;
  /** Public-split examples the model got wrong: index in the test set, predicted and true labels. */
  misclassified: Array<{ index: number; predicted: number; actual: number; confidence: number }>;
  curves: unknown;
  splitInfo: unknown;
  classNames: string[];
  warnings: string[];
}

export type ChildMessage =
  | { type: "phase"; phase: "VALIDATING" | "TRAINING" | "SCORING"; message?: string }
  | { type: "epoch"; record: EpochRecord; totalEpochs: number; etaSeconds: number | null }
  | { type: "result"; result: EvaluationResult }
  /** source SUBMISSION: the student's model is at fault (counts toward the limit); PLATFORM: ours. */
  | { type: "failure"; source: "SUBMISSION" | "PLATFORM"; message: string };

export type ParentMessage = { type: "task"; task: EvaluationTask };
