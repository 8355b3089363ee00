import type { TestSet } from "@/lib/db";
import { resourceLimitsOf, trainingBudgetOf } from "@/lib/competitions/schema";
import { getDatasetSpec } from "@/lib/datasets/registry";
import { formatProblem, isSubmissionError, loadArchitectureSubmission, readTrainingSettings, validateSubmission, type DatasetShape, type EngineRates, type ScoringBudget, type SubmissionLimits, type TrainingSettings } from "@/lib/models";
import type { Preprocessing } from "./schemas";
import { looksLikeHistory, parseTrainingHistory, HistoryFormatError } from "./history";

export interface UploadedFile {
  name: string;
  data: Uint8Array;
}

export type FileRole = "model" | "history";

export type FileCheck =
  | { ok: true; files: Array<UploadedFile & { role: FileRole }>; format: string; warnings: string[]; trainingSettings: TrainingSettings | null }
  | { ok: false; errors: string[]; warnings: string[] };

/** What the check reads of a competition (its JSON columns through lib/competitions/schema.ts). */
type CompetitionForCheck = { datasetId: string; resourceLimits: unknown; trainingBudget: unknown; testSet?: Pick<TestSet, "shape" | "classNames" | "count"> | null };

/** What a model must accept and produce here: the custom test set's shape, or the dataset's. */
export function competitionDataShape(competition: CompetitionForCheck): string | DatasetShape {
  const testSet = competition.testSet;
  if (testSet) return { name: "custom test set", shape: testSet.shape as [number, number, number], numClasses: testSet.classNames.length };
  return competition.datasetId;
}

export function competitionLimits(competition: { resourceLimits: unknown }): Partial<SubmissionLimits> {
  const limits = resourceLimitsOf(competition);
  return { maxTotalBytes: limits.maxUploadBytes, maxFileBytes: limits.maxUploadBytes, maxParams: limits.maxParams, maxFlopsPerExample: limits.maxFlops };
}

/** What scoring this competition's test set may take (the worker's job limits), at the given engine speed. */
export function competitionScoringBudget(competition: CompetitionForCheck, rates: EngineRates | null): ScoringBudget {
  const limits = resourceLimitsOf(competition);
  const examples = competition.testSet?.count ?? getDatasetSpec(competition.datasetId).counts.test;
  return { examples, timeoutSeconds: limits.timeoutSeconds, memoryMb: limits.memoryMb, rates };
}

/**
 * The check a submission passes before anything is stored or queued, with the ingestion code the
 * worker uses: the model must load, fit the competition's data and limits; a definition's
 * training settings must be valid and within the training budget. A Keras history file
 * uploaded beside the model is recognized and checked too.
 */
export async function checkSubmissionFiles(input: {
  files: UploadedFile[];
  kind: "WEIGHTS" | "DEFINITION";
  preprocessing: Preprocessing | null;
  competition: CompetitionForCheck;
  trainingSettings?: unknown;
  /** The engine's measured speed (lib/models/cost.ts): refuse models that cannot be scored in time. */
  rates?: EngineRates | null;
}): Promise<FileCheck> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const histories = input.files.filter((file) => looksLikeHistory(file.name, file.data));
  const modelFiles = input.files.filter((file) => !histories.includes(file));
  if (histories.length > 1) errors.push(`Upload at most one training history (got ${histories.map((f) => f.name).join(", ")}).`);
  for (const history of histories) {
    try {
      parseTrainingHistory(history.name, history.data);
    } catch (error) {
      if (error instanceof HistoryFormatError) errors.push(error.message);
      else throw error;
    }
  }
  if (modelFiles.length === 0) errors.push("No model file was uploaded. Upload your saved model (.keras, .h5, or model.json with its .bin files).");
  if (errors.length) return { ok: false, errors, warnings };

  const options = {
    dataset: competitionDataShape(input.competition),
    preprocessing: input.preprocessing ?? undefined,
    limits: competitionLimits(input.competition),
    scoring: competitionScoringBudget(input.competition, input.rates ?? null),
  };
  let format = "";
  let trainingSettings: TrainingSettings | null = null;
  if (input.kind === "WEIGHTS") {
    const result = await validateSubmission(modelFiles, options);
    warnings.push(...result.warnings.map(formatProblem));
    if (!result.ok) return { ok: false, errors: result.errors.map(formatProblem), warnings };
    format = result.format ?? "";
  } else {
    // The one schema (lib/models/training-settings.ts), with its messages.
    const settings = readTrainingSettings(input.trainingSettings);
    if (settings.ok) trainingSettings = settings.settings;
    else errors.push(...settings.errors);
    const budget = trainingBudgetOf(input.competition);
    if (trainingSettings && trainingSettings.epochs > budget.maxEpochs) {
      errors.push(`${trainingSettings.epochs} epochs is more than this competition's budget of ${budget.maxEpochs}. Ask for at most ${budget.maxEpochs}.`);
    }
    try {
      const architecture = await loadArchitectureSubmission(modelFiles, options);
      warnings.push(...architecture.warnings.map(formatProblem));
      const params = architecture.summary.totalParams;
      if (params > budget.maxParams) errors.push(`The architecture has ${params.toLocaleString("en")} parameters; this competition trains at most ${budget.maxParams.toLocaleString("en")}. Use fewer or smaller layers.`);
      format = "architecture";
      architecture.model.dispose();
    } catch (error) {
      if (isSubmissionError(error)) errors.push(...error.problems.map(formatProblem));
      else throw error;
    }
    if (errors.length) return { ok: false, errors, warnings };
  }
  return {
    ok: true,
    format,
    warnings,
    trainingSettings,
    files: [...modelFiles.map((file) => ({ ...file, role: "model" as const })), ...histories.map((file) => ({ ...file, role: "history" as const }))],
  };
}
