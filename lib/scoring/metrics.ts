/**
 * Classification metrics as pure functions over plain arrays: no TensorFlow, no I/O.
 *
 * Scores are row-major [examples x classes] Float32Arrays. Sums are accumulated in float64.
 * Ties in argmax go to the lowest class index, as numpy.argmax does, so accuracy matches a
 * Keras notebook's `(pred.argmax(1) == y).mean()` exactly.
 */

export type ScoreKind = "probabilities" | "logits";

/** Keras' clipping epsilon for cross-entropy on probabilities (backend.epsilon()). */
export const PROBABILITY_EPSILON = 1e-7;

function checkShapes(scores: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  if (scores.length !== labels.length * numClasses) {
    throw new Error(`scores hold ${scores.length} values, expected ${labels.length} examples x ${numClasses} classes = ${labels.length * numClasses}`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= numClasses) throw new Error(`label ${labels[i]} at index ${i} is outside 0..${numClasses - 1}`);
  }
  return labels.length;
}

/** Index of the largest score per row (first one on ties). NaN never wins. */
export function argmaxRows(scores: ArrayLike<number>, numClasses: number): Int32Array {
  const n = Math.floor(scores.length / numClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < numClasses; k++) {
      const v = scores[i * numClasses + k];
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Fraction of examples whose highest-scoring class is the label. */
export function accuracy(scores: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  const n = checkShapes(scores, labels, numClasses);
  if (n === 0) return 0;
  const predicted = argmaxRows(scores, numClasses);
  let correct = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === labels[i]) correct++;
  return correct / n;
}

/** Row-wise softmax in float64 (max-subtracted), returned as float32. */
export function softmaxRows(logits: ArrayLike<number>, numClasses: number): Float32Array {
  const n = Math.floor(logits.length / numClasses);
  const out = new Float32Array(logits.length);
  for (let i = 0; i < n; i++) {
    const row = i * numClasses;
    let max = -Infinity;
    for (let k = 0; k < numClasses; k++) max = Math.max(max, logits[row + k]);
    let sum = 0;
    for (let k = 0; k < numClasses; k++) sum += Math.exp(logits[row + k] - max);
    for (let k = 0; k < numClasses; k++) out[row + k] = Math.exp(logits[row + k] - max) / sum;
  }
  return out;
}

/**
 * Mean categorical cross-entropy, as Keras computes it.
 * - "probabilities": each row is divided by its sum, then clipped to [1e-7, 1 - 1e-7]
 *   before the log (keras.losses.categorical_crossentropy with from_logits=False).
 * - "logits": log-softmax in float64 (from_logits=True); no clipping, so a confidently wrong
 *   model gets its true (large) loss.
 */
export function meanCrossEntropy(scores: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, kind: ScoreKind): number {
  const n = checkShapes(scores, labels, numClasses);
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * numClasses;
    const target = scores[row + labels[i]];
    if (kind === "logits") {
      let max = -Infinity;
      for (let k = 0; k < numClasses; k++) max = Math.max(max, scores[row + k]);
      let sum = 0;
      for (let k = 0; k < numClasses; k++) sum += Math.exp(scores[row + k] - max);
      total += Math.log(sum) + max - target;
    } else {
      let sum = 0;
      for (let k = 0; k < numClasses; k++) sum += scores[row + k];
      const p = sum > 0 ? target / sum : 0;
      total += -Math.log(Math.min(Math.max(p, PROBABILITY_EPSILON), 1 - PROBABILITY_EPSILON));
    }
  }
  return total / n;
}

/** confusion[true][predicted] = count. */
export function confusionMatrix(scores: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number[][] {
  const n = checkShapes(scores, labels, numClasses);
  const predicted = argmaxRows(scores, numClasses);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < n; i++) matrix[labels[i]][predicted[i]]++;
  return matrix;
}

export interface PerClassMetrics {
  /** Correct / examples of the class (= recall); null when the class has no examples. */
  accuracy: Array<number | null>;
  /** Correct / predictions of the class; null when the class was never predicted. */
  precision: Array<number | null>;
  recall: Array<number | null>;
  /** Examples per class. */
  support: number[];
}

export function perClassMetrics(confusion: number[][]): PerClassMetrics {
  const k = confusion.length;
  const support = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const predictedCounts = Array.from({ length: k }, (_, j) => confusion.reduce((a, row) => a + row[j], 0));
  const recall = confusion.map((row, i) => (support[i] > 0 ? row[i] / support[i] : null));
  const precision = confusion.map((row, i) => (predictedCounts[i] > 0 ? row[i] / predictedCounts[i] : null));
  return { accuracy: recall, precision, recall, support };
}

/**
 * Expected calibration error: examples binned by confidence (their top probability) into
 * `bins` equal-width bins over [0, 1] (bin b holds (b/B, (b+1)/B], bin 0 also holds 0);
 * ECE = sum over bins of |accuracy - mean confidence| x (examples in bin / all examples).
 */
export function expectedCalibrationError(probabilities: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, bins = 15): number {
  const n = checkShapes(probabilities, labels, numClasses);
  if (n === 0) return 0;
  const count = new Float64Array(bins);
  const correct = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let top = -Infinity;
    for (let k = 0; k < numClasses; k++) {
      const p = probabilities[i * numClasses + k];
      if (p > top) {
        top = p;
        best = k;
      }
    }
    const conf = Math.min(Math.max(top, 0), 1);
    const bin = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    count[bin]++;
    confidence[bin] += conf;
    if (best === labels[i]) correct[bin]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    ece += Math.abs(correct[b] / count[b] - confidence[b] / count[b]) * (count[b] / n);
  }
  return ece;
}

export interface ClassificationReport {
  examples: number;
  accuracy: number;
  loss: number;
  confusion: number[][];
  perClassAccuracy: Array<number | null>;
  precision: Array<number | null>;
  recall: Array<number | null>;
  ece: number;
}

/**
 * All metrics at once. `outputs` are the model's raw outputs of the given kind (predictions
 * are their argmax, exactly the model's decision); `probabilities` the normalized ones
 * (equal to outputs for softmax models), used for calibration.
 */
export function classificationReport(
  outputs: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
  kind: ScoreKind,
): ClassificationReport {
  const confusion = confusionMatrix(outputs, labels, numClasses);
  const perClass = perClassMetrics(confusion);
  const examples = labels.length;
  const correct = confusion.reduce((a, row, i) => a + row[i], 0);
  return {
    examples,
    accuracy: examples > 0 ? correct / examples : 0,
    loss: meanCrossEntropy(outputs, labels, numClasses, kind),
    confusion,
    perClassAccuracy: perClass.accuracy,
    precision: perClass.precision,
    recall: perClass.recall,
    ece: expectedCalibrationError(probabilities, labels, numClasses),
  };
}
