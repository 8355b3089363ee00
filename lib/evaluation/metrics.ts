/** The report's metrics of one split of the test set, from the model's outputs on all of it. */
import { classificationReport, type ScoreKind } from "@/lib/scoring";
import type { MisclassifiedExample, SplitMetrics } from "./schemas";

export const MAX_MISCLASSIFIED = 48;

/** Rows `rows` of a row-major [n x width] array, in that order. */
export function gatherRows<T extends Float32Array | Uint8Array>(source: T, rows: ArrayLike<number>, width: number): T {
  const out = new (source.constructor as new (length: number) => T)(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(source.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
  return out;
}

/** Accuracy, loss, calibration, confusion and per-class rows of the given test rows. */
export function splitMetrics(outputs: Float32Array, probabilities: Float32Array, labels: Uint8Array, rows: ArrayLike<number>, numClasses: number, kind: ScoreKind, classNames: string[]): SplitMetrics {
  const report = classificationReport(gatherRows(outputs, rows, numClasses), gatherRows(probabilities, rows, numClasses), gatherRows(labels, rows, 1), numClasses, kind);
  return {
    examples: report.examples,
    accuracy: report.accuracy,
    loss: report.loss,
    ece: report.ece,
    confusion: report.confusion,
    perClass: Array.from({ length: numClasses }, (_, index) => ({
      label: classNames[index] ?? String(index),
      accuracy: report.perClassAccuracy[index] ?? 0,
      precision: report.precision[index] ?? 0,
      recall: report.recall[index] ?? 0,
      support: report.confusion[index].reduce((a, b) => a + b, 0),
    })),
  };
}

/** The most confidently wrong predictions among `rows` (the public split): the ones worth looking at. */
export function misclassifiedExamples(probabilities: Float32Array, labels: Uint8Array, rows: ArrayLike<number>, numClasses: number, max = MAX_MISCLASSIFIED): MisclassifiedExample[] {
  const wrong: MisclassifiedExample[] = [];
  for (let r = 0; r < rows.length; r++) {
    const index = rows[r];
    const row = probabilities.subarray(index * numClasses, (index + 1) * numClasses);
    let predicted = 0;
    for (let k = 1; k < numClasses; k++) if (row[k] > row[predicted]) predicted = k;
    if (predicted !== labels[index]) wrong.push({ index, predicted, actual: labels[index], confidence: row[predicted] });
  }
  return wrong.sort((a, b) => b.confidence - a.confidence).slice(0, max);
}
