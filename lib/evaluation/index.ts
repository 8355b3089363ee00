/**
 * lib/evaluation: the one scorer (./evaluate.ts) and the shapes of what it produces (./schemas.ts),
 * used by the sandboxed child (./task.ts), `holdout score` and the tests; the report's JSON
 * columns are parsed with ./report.ts when written and read.
 */
export { evaluateSubmission } from "./evaluate";
export type { EvaluationRequest } from "./evaluate";
export { runEvaluationTask } from "./task";
export { PlatformError, isEngineFailure, isPlatformError } from "./errors";
export { summarizeCurves } from "./curves";
export { splitMetrics, misclassifiedExamples, MAX_MISCLASSIFIED } from "./metrics";
export { trainSubmission, trainingRows, describeTrainingSplit } from "./train";
export type { TrainingSet } from "./train";
export * from "./schemas";
export type * from "./types";
export { reportColumnSchemas, reportColumn, reportColumnsOf, readReportColumn, readReport } from "./report";
export type { ReportColumn, ReportColumnValue, StoredReport, TypedReport } from "./report";
export { trainSlice, trainSliceIndices, TRAIN_SLICE_SIZE } from "./train-slice";
