/**
 * Public API of lib/models: reading every model format students submit, validating it,
 * describing it, and running it. Used by the web app (validation on upload), the scorer
 * (lib/evaluation) and the CLI (`holdout inspect`).
 */
export { loadSubmissionModel } from "./load";
export type { LoadedSubmission, LoadSubmissionOptions, OutputKind } from "./load";
export { validateSubmission } from "./validate";
export type { ValidationResult } from "./validate";
export { predictImages, toProbabilities } from "./predict";
export type { Predictions, PredictOptions } from "./predict";
export { renderSummary, formatFlops } from "./summary";
export type { ModelSummary, SummaryLayer } from "./summary";
export { buildModelFromArchitecture, loadArchitectureSubmission } from "./architecture";
export type { ArchitectureSubmission, BuildArchitectureOptions } from "./architecture";
export { trainingSettingsSchema, augmentationSchema, describeAugmentation, parseTrainingSettings, readTrainingSettings } from "./training-settings";
export type { TrainingSettings, AugmentationSettings } from "./training-settings";
export { parsePreprocessing, describePreprocessing, preprocessingSchema } from "./preprocessing";
export type { Preprocessing } from "./preprocessing";
export { DEFAULT_LIMITS, resolveLimits } from "./limits";
export type { SubmissionLimits } from "./limits";
export { SubmissionError, isSubmissionError, formatProblem } from "./errors";
export type { ModelValidationError, ModelValidationWarning, ModelErrorCode, ModelWarningCode } from "./errors";
export { resolveDatasetShape } from "./datasets";
export type { DatasetShape } from "./datasets";
export type { SubmissionFile, SubmissionFormat } from "./files";
export { readModelFiles } from "./disk";
export { registerHoldoutLayers } from "./layers";
export { writeKerasArchive, writeKerasH5, writeTfjsLayersModel } from "./writers";
export type { WrittenFile } from "./writers";
export { calibrateEngine, checkScoringCost, estimatedScoringSeconds, layersModelCost, scoringBatchSize } from "./cost";
export type { EngineRates, ModelCost, ScoringBudget } from "./cost";

