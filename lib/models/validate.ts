/**
 * Validation before a submission is queued: loads it exactly as the worker will (same code
 * path, same checks), reports every problem as data, and frees the model. Never throws for
 * problems in the upload; an unexpected failure (a bug) is reported as INTERNAL.
 */
import { isSubmissionError, type ModelValidationError, type ModelValidationWarning } from "./errors";
import type { SubmissionFile } from "./files";
import { loadSubmissionModel, type LoadedSubmission, type LoadSubmissionOptions } from "./load";
import type { Preprocessing } from "./preprocessing";
import type { ModelSummary } from "./summary";

export interface ValidationResult {
  ok: boolean;
  errors: ModelValidationError[];
  warnings: ModelValidationWarning[];
  /** Null when the model could not be read far enough to describe it. */
  summary: ModelSummary | null;
  /** The detected format, e.g. "Keras .keras archive". */
  format: string | null;
  /** The preprocessing that scoring will use. */
  preprocessing: Preprocessing | null;
}

/**
 * `use`, when given, runs on the loaded model before it is freed (the free model check's trial
 * run); it must handle its own failures.
 */
export async function validateSubmission(files: SubmissionFile[], opts: LoadSubmissionOptions = {}, use?: (loaded: LoadedSubmission) => Promise<void>): Promise<ValidationResult> {
  try {
    const loaded = await loadSubmissionModel(files, opts);
    try {
      if (use) await use(loaded);
      return { ok: true, errors: [], warnings: loaded.warnings, summary: loaded.summary, format: loaded.formatLabel, preprocessing: loaded.preprocessing };
    } finally {
      loaded.dispose();
    }
  } catch (error) {
    if (isSubmissionError(error)) {
      return { ok: false, errors: error.problems, warnings: error.warnings, summary: null, format: null, preprocessing: null };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      errors: [{ code: "INTERNAL", message: `Holdout could not process this model (${message}). This is a Holdout problem; please report it with the file.` }],
      warnings: [],
      summary: null,
      format: null,
      preprocessing: null,
    };
  }
}
