/** Classification metrics, checked against hand-computed values. */
import { describe, expect, it } from "vitest";
import {
  accuracy,
  argmaxRows,
  classificationReport,
  confusionMatrix,
  expectedCalibrationError,
  meanCrossEntropy,
  perClassMetrics,
  softmaxRows,
} from "@/lib/scoring";

// 4 examples, 3 classes.
const probs = new Float32Array([
  0.7, 0.2, 0.1, // label 0, correct, confidence 0.7
  0.1, 0.8, 0.1, // label 1, correct, 0.8
  0.3, 0.3, 0.4, // label 0, predicted 2, 0.4
  0.05, 0.05, 0.9, // label 2, correct, 0.9
]);
const labels = new Uint8Array([0, 1, 0, 2]);

describe("metrics", () => {
  it("argmax takes the first maximum (numpy's rule) and accuracy counts matches", () => {
    expect(Array.from(argmaxRows(new Float32Array([0.5, 0.5, 0, 0, 1, 1]), 3))).toEqual([0, 1]);
    expect(accuracy(probs, labels, 3)).toBe(0.75);
    expect(accuracy(new Float32Array(0), new Uint8Array(0), 3)).toBe(0);
  });

  it("mean cross-entropy from probabilities (normalized, clipped at 1e-7) and from logits", () => {
    const expected = -(Math.log(0.7) + Math.log(0.8) + Math.log(0.3) + Math.log(0.9)) / 4;
    expect(meanCrossEntropy(probs, labels, 3, "probabilities")).toBeCloseTo(expected, 6);
    // Unnormalized scores are divided by their sum first, as Keras does.
    expect(meanCrossEntropy(new Float32Array([2, 2]), new Uint8Array([0]), 2, "probabilities")).toBeCloseTo(Math.log(2), 12);
    // A zero probability costs -log(1e-7), not infinity.
    expect(meanCrossEntropy(new Float32Array([0, 1]), new Uint8Array([0]), 2, "probabilities")).toBeCloseTo(-Math.log(1e-7), 6);
    // Logits: log-sum-exp, exact even for extreme values.
    expect(meanCrossEntropy(new Float32Array([0, 1000]), new Uint8Array([0]), 2, "logits")).toBeCloseTo(1000, 6);
    const logits = new Float32Array([2, 1, 0.1]);
    const z = Math.exp(2) + Math.exp(1) + Math.exp(0.1);
    expect(meanCrossEntropy(logits, new Uint8Array([1]), 3, "logits")).toBeCloseTo(-Math.log(Math.exp(1) / z), 6);
    const viaSoftmax = softmaxRows(logits, 3);
    expect(viaSoftmax[1]).toBeCloseTo(Math.exp(1) / z, 6);
  });

  it("confusion matrix (rows = true class) and per-class accuracy, precision, recall", () => {
    const confusion = confusionMatrix(probs, labels, 3);
    expect(confusion).toEqual([
      [1, 0, 1],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const perClass = perClassMetrics(confusion);
    expect(perClass.accuracy).toEqual([0.5, 1, 1]);
    expect(perClass.recall).toEqual([0.5, 1, 1]);
    expect(perClass.precision).toEqual([1, 1, 0.5]);
    expect(perClass.support).toEqual([2, 1, 1]);
    expect(perClassMetrics([[0, 0], [0, 3]]).accuracy).toEqual([null, 1]);
  });

  it("expected calibration error with 15 equal-width bins", () => {
    // Confidences 0.7, 0.8, 0.4, 0.9 fall in 4 different bins, each with one example:
    // |1-0.7| + |1-0.8| + |0-0.4| + |1-0.9| over 4 examples.
    expect(expectedCalibrationError(probs, labels, 3)).toBeCloseTo((0.3 + 0.2 + 0.4 + 0.1) / 4, 6);
    // Two examples sharing a bin: |mean accuracy - mean confidence|, weighted by the bin's share.
    const shared = new Float32Array([0.95, 0.05, 0.97, 0.03]);
    expect(expectedCalibrationError(shared, new Uint8Array([0, 1]), 2)).toBeCloseTo(Math.abs(0.5 - 0.96), 6);
    // A perfectly calibrated, certain model.
    expect(expectedCalibrationError(new Float32Array([1, 0, 0, 1]), new Uint8Array([0, 1]), 2)).toBe(0);
  });

  it("classificationReport bundles them and predicts from the raw outputs", () => {
    const report = classificationReport(probs, probs, labels, 3, "probabilities");
    expect(report).toMatchObject({ examples: 4, accuracy: 0.75, perClassAccuracy: [0.5, 1, 1] });
    expect(report.loss).toBeCloseTo(meanCrossEntropy(probs, labels, 3, "probabilities"), 12);
  });

  it("rejects inconsistent inputs", () => {
    expect(() => accuracy(new Float32Array(5), new Uint8Array(2), 3)).toThrow(/expected 2 examples x 3 classes/);
    expect(() => accuracy(new Float32Array(3), new Uint8Array([3]), 3)).toThrow(/label 3 at index 0 is outside 0\.\.2/);
  });
});
