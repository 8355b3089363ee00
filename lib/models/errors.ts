/**
 * Problems found in a submitted model, worded for the student who submitted it.
 *
 * Every check in lib/models reports a ModelValidationError: what is wrong (message), where
 * (location: a file, a layer, a weight) and how to fix it (hint). Parsers throw a
 * SubmissionError carrying one or more of them; validateSubmission turns those into a plain
 * `{ ok: false, errors }` result, so a bad upload never crashes the worker.
 */

export type ModelErrorCode =
  // Files and containers
  | "NO_FILES"
  | "TOO_MANY_FILES"
  | "FILE_TOO_LARGE"
  | "SUBMISSION_TOO_LARGE"
  | "UNKNOWN_FORMAT"
  | "UNSUPPORTED_FORMAT"
  | "MISSING_FILE"
  | "AMBIGUOUS_SUBMISSION"
  | "WEIGHTS_ONLY"
  | "ARCHITECTURE_ONLY"
  | "MALFORMED_JSON"
  | "JSON_TOO_DEEP"
  | "MALFORMED_HDF5"
  | "EXTERNAL_DATA"
  | "MALFORMED_ZIP"
  | "ZIP_TOO_LARGE"
  | "ZIP_TOO_MANY_ENTRIES"
  | "ZIP_COMPRESSION_RATIO"
  | "ZIP_UNSAFE_PATH"
  | "MALFORMED_MODEL_JSON"
  | "MALFORMED_CONFIG"
  // Architecture
  | "LAMBDA_LAYER"
  | "TF_OP_LAYER"
  | "CUSTOM_LAYER"
  | "UNSUPPORTED_LAYER"
  | "UNSUPPORTED_LAYER_OPTION"
  | "UNSUPPORTED_ACTIVATION"
  | "BROKEN_GRAPH"
  | "MULTIPLE_INPUTS_OR_OUTPUTS"
  | "BUILD_FAILED"
  | "NO_INPUT_SHAPE"
  // Weights
  | "WEIGHT_MISSING"
  | "WEIGHT_COUNT_MISMATCH"
  | "WEIGHT_SHAPE_MISMATCH"
  | "WEIGHT_NOT_FINITE"
  | "WEIGHT_DTYPE"
  | "WEIGHT_TOO_LARGE"
  | "TRUNCATED_WEIGHTS"
  // Compatibility and limits
  | "INPUT_INCOMPATIBLE"
  | "OUTPUT_INCOMPATIBLE"
  | "TOO_MANY_PARAMS"
  | "TOO_MANY_FLOPS"
  | "TOO_MUCH_MEMORY"
  | "TOO_SLOW"
  | "BAD_PREPROCESSING"
  | "EXECUTION_FAILED"
  | "INTERNAL";

export type ModelWarningCode =
  | "EXTRA_FILE"
  | "EXTENSION_MISMATCH"
  | "INPUT_SHAPE_INFERRED"
  | "DOUBLE_SCALING"
  | "RAW_PIXELS_ASSUMED"
  | "LOGITS_OUTPUT"
  | "UNUSUAL_OUTPUT_ACTIVATION"
  | "INACTIVE_AT_INFERENCE"
  | "IGNORED_SETTING"
  | "UNUSED_WEIGHTS"
  | "EXTRA_WEIGHT_BYTES"
  | "CHANNELS_FIRST_SUSPECTED"
  | "WEIGHTS_IGNORED";

export interface ModelValidationError {
  code: ModelErrorCode;
  /** What is wrong, in one or two sentences a student can act on. */
  message: string;
  /** How to fix it, when there is a concrete fix. */
  hint?: string;
  /** Where: a file name, "layer 'conv2d_1'", "model.json > weightsManifest[0]", ... */
  location?: string;
}

export interface ModelValidationWarning {
  code: ModelWarningCode;
  message: string;
  hint?: string;
  location?: string;
}

/** Thrown by the parsers for problems in the submission itself (not bugs in Holdout). */
export class SubmissionError extends Error {
  readonly problems: ModelValidationError[];
  /** Warnings gathered before the failure (set by the loader). */
  warnings: ModelValidationWarning[] = [];

  constructor(problems: ModelValidationError | ModelValidationError[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join("\n"));
    this.name = "SubmissionError";
    this.problems = list;
  }
}

export function isSubmissionError(error: unknown): error is SubmissionError {
  return error instanceof SubmissionError;
}

/** Throws a SubmissionError with a single problem. */
export function fail(code: ModelErrorCode, message: string, extra: { hint?: string; location?: string } = {}): never {
  throw new SubmissionError({ code, message, ...extra });
}

/** "location: message (hint)" on one line, for logs and the CLI. */
export function formatProblem(p: ModelValidationError | ModelValidationWarning): string {
  const where = p.location ? `${p.location}: ` : "";
  const hint = p.hint ? ` Fix: ${p.hint}` : "";
  return `${where}${p.message}${hint}`;
}

/** Collects warnings while a submission is read; passed down through the parsers. */
export class WarningList {
  readonly items: ModelValidationWarning[] = [];

  add(code: ModelWarningCode, message: string, extra: { hint?: string; location?: string } = {}): void {
    // The same warning from two code paths (e.g. two shape candidates) is reported once.
    if (this.items.some((w) => w.code === code && w.message === message)) return;
    this.items.push({ code, message, ...extra });
  }
}

/** Human-readable byte counts for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** 1234567 -> "1,234,567" */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
