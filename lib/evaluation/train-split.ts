import type { TrainingSplit } from "./schemas";

/** "trained on 54000, validated on 6000 (10%)": the report's line about a definition's training data. */
export function describeTrainingSplit(info: TrainingSplit): string {
  const percent = Math.round(info.validationSplit * 1000) / 10;
  const left = info.leftOut > 0 ? ` (${info.leftOut} left out by the training budget)` : "";
  return `trained on ${info.trainCount}${left}, validated on ${info.validationCount} (${percent}%)`;
}
