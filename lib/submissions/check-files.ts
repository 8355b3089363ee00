import type { TestSet } from "@/lib/db";
import { resourceLimitsOf, trainingBudgetOf } from "@/lib/competitions/schema";
import { getDatasetSpec } from "@/lib/datasets/registry";
import { formatProblem, isSubmissionError, loadArchitectureSubmission, readTrainingSettings, validateSubmission, type DatasetShape, type EngineRates, type ModelSummary, type ScoringBudget, type SubmissionLimits, type TrainingSettings } from "@/lib/models";
import type { Preprocessing } from "./schemas";
import type { TrainingWork } from "@/lib/queue/estimates";
import { looksLikeHistory, parseTrainingHistory, HistoryFormatError } from "./history";
import { runTrial, type TrialResult, type TrialSample } from "./trial";

export interface UploadedFile {
  name: string;
  data: Uint8Array;
}

export type FileRole = "model" | "history";

export type FileCheck =
  | { ok: true; files: Array<UploadedFile & { role: FileRole }>; format: string; warnings: string[]; trainingSettings: TrainingSettings | null; summary?: ModelSummary | null; trial?: TrialResult | null; trainingWork?: TrainingWork | null }
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

/** What training a definition computes: FLOPs per example, examples per epoch (the training split less the validation rows, capped by the budget, as lib/evaluation/train.ts splits them), epochs. */
export function trainingWorkOf(competition: CompetitionForCheck, settings: TrainingSettings | null, flopsPerExample: number | null): TrainingWork | null {
  if (!settings || !flopsPerExample || flopsPerExample <= 0) return null;
  const budget = trainingBudgetOf(competition);
  const count = getDatasetSpec(competition.datasetId).counts.train;
  const train = count - Math.round(count * settings.validationSplit);
  return { flopsPerExample, examples: budget.maxTrainExamples ? Math.min(train, budget.maxTrainExamples) : train, epochs: Math.min(settings.epochs, budget.maxEpochs) };
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
  /** The free model check (./trial.ts): a trained model also predicts these public-split images. */
  trial?: TrialSample | null;
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
  let summary: ModelSummary | null = null;
  // The trial (free model check only) runs on the model validation loaded, before it is freed.
  const tried: { result: TrialResult | null } = { result: null };
  const sample = input.trial;
  if (input.kind === "WEIGHTS") {
    const result = await validateSubmission(modelFiles, options, sample ? async (loaded) => void (tried.result = await runTrial(loaded, sample)) : undefined);
    warnings.push(...result.warnings.map(formatProblem));
    if (!result.ok) return { ok: false, errors: result.errors.map(formatProblem), warnings };
    format = result.format ?? "";
    summary = result.summary;
    if (tried.result) {
      warnings.push(...tried.result.warnings);
      if (tried.result.error) return { ok: false, errors: [tried.result.error], warnings };
    }
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
      summary = architecture.summary;
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
    summary,
    trial: tried.result,
    // Definitions: what training will compute, for the time estimate (lib/queue/estimates.ts).
    trainingWork: input.kind === "DEFINITION" ? trainingWorkOf(input.competition, trainingSettings, summary?.flopsPerExample ?? null) : null,
    files: [...modelFiles.map((file) => ({ ...file, role: "model" as const })), ...histories.map((file) => ({ ...file, role: "history" as const }))],
  };
}
