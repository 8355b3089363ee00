/** Public API of lib/scoring: pure classification metrics. */
export {
  accuracy,
  argmaxRows,
  classificationReport,
  confusionMatrix,
  expectedCalibrationError,
  meanCrossEntropy,
  perClassMetrics,
  softmaxRows,
  PROBABILITY_EPSILON,
} from "./metrics";
export type { ClassificationReport, PerClassMetrics, ScoreKind } from "./metrics";
export { bitAt, countBits, discordantCounts, packBits } from "./per-example";
