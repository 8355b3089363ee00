/**
 * Reading training curves: where validation loss bottoms out, whether and when the model
 * started to overfit, and the generalization gap per epoch. Pure functions, no TF.js.
 *
 * The overfitting rule. Let b be the epoch with the lowest validation loss (the last of equal
 * ones: a flat bottom is not yet overfitting). Training overfits from b on ("overfitStartEpoch"
 * = b, the last good epoch) when all of:
 *   1. at least two epochs follow b. A single worse epoch after the best is ordinary noise;
 *   2. the next two validation losses are both above v(b) by more than `minDelta`. So a bump
 *      that comes straight back down does not count, and since b is the global minimum, the
 *      validation loss never returns below v(b) later;
 *   3. the training loss keeps falling: the mean training loss of those two epochs is below
 *      t(b) (one flat or noisy epoch is tolerated), and the last epoch's is below t(b) too.
 * If validation loss is still at its lowest in the last epoch, or rises while training loss
 * rises as well (e.g. a learning rate too high: that is divergence, not overfitting), the
 * result is null.
 */
export interface CurvePoint {
  epoch: number;
  loss: number;
  valLoss: number;
  acc?: number;
  valAcc?: number;
}

export interface CurveAnalysis {
  /** Epoch with the lowest validation loss (the first of equal ones, as Keras' early stopping
   * keeps it); null when there are no finite validation losses. */
  bestEpoch: number | null;
  /** The last good epoch before overfitting set in (see the rule above), or null. */
  overfitStartEpoch: number | null;
  /** Per epoch, validation loss minus training loss (positive: worse on unseen data). */
  generalizationGap: Array<{ epoch: number; loss: number; accuracy: number | null }>;
}

export function analyzeCurves(epochs: CurvePoint[], options: { minDelta?: number } = {}): CurveAnalysis {
  const minDelta = options.minDelta ?? 0;
  const generalizationGap = epochs.map((e) => ({
    epoch: e.epoch,
    loss: e.valLoss - e.loss,
    accuracy: e.acc !== undefined && e.valAcc !== undefined && Number.isFinite(e.valAcc) ? e.acc - e.valAcc : null,
  }));

  let bestIndex = -1;
  epochs.forEach((e, i) => {
    if (Number.isFinite(e.valLoss) && (bestIndex < 0 || e.valLoss < epochs[bestIndex].valLoss)) bestIndex = i;
  });
  if (bestIndex < 0) return { bestEpoch: null, overfitStartEpoch: null, generalizationGap };

  // The last epoch of a flat bottom is where a rise can start.
  let bottomIndex = bestIndex;
  epochs.forEach((e, i) => {
    if (e.valLoss === epochs[bestIndex].valLoss) bottomIndex = i;
  });
  const best = epochs[bottomIndex];
  const next = epochs.slice(bottomIndex + 1, bottomIndex + 3);
  const last = epochs[epochs.length - 1];
  const validationRoseTwice = next.length === 2 && next.every((e) => e.valLoss > best.valLoss + minDelta);
  const trainingKeptFalling = next.length === 2 && (next[0].loss + next[1].loss) / 2 < best.loss && last.loss < best.loss;
  return {
    bestEpoch: epochs[bestIndex].epoch,
    overfitStartEpoch: validationRoseTwice && trainingKeptFalling ? best.epoch : null,
    generalizationGap,
  };
}

/**
 * The visible margin (one place): the report shades overtraining only where validation loss lies
 * above its best by more than this, i.e. 5% of the best validation loss and at least 1% of the loss
 * chart's height (the largest training or validation loss plotted; the chart starts at 0). A rise
 * too small to see on the chart is never shaded.
 */
export const OVERTRAINING_MARGIN = { ofBest: 0.05, ofChart: 0.01 };

/** The validation loss above which an epoch counts as visibly overtrained; null without validation losses. */
export function overtrainingThreshold(epochs: Array<Pick<CurvePoint, "loss" | "valLoss">>): { best: number; margin: number; threshold: number } | null {
  const valLosses = epochs.map((e) => e.valLoss).filter((v) => Number.isFinite(v));
  if (valLosses.length === 0) return null;
  const best = Math.min(...valLosses);
  const top = Math.max(...valLosses, ...epochs.map((e) => e.loss).filter((v) => Number.isFinite(v)));
  const margin = Math.max(OVERTRAINING_MARGIN.ofBest * Math.abs(best), OVERTRAINING_MARGIN.ofChart * Math.abs(top));
  return { best, margin, threshold: best + margin };
}

/**
 * Where to shade: the stretches (in epochs, fractional where the validation curve crosses the
 * threshold between two epochs, by linear interpolation) after the overtraining onset where
 * validation loss is above its best by more than the visible margin. Empty when the analysis
 * found no overtraining (`overfitStartEpoch` null) or the rise stays within the margin.
 */
export function overtrainingSpans(epochs: Array<Pick<CurvePoint, "epoch" | "loss" | "valLoss">>, overfitStartEpoch: number | null): Array<{ from: number; to: number }> {
  const limit = overtrainingThreshold(epochs);
  if (overfitStartEpoch === null || !limit) return [];
  const points = epochs.filter((e) => e.epoch >= overfitStartEpoch && Number.isFinite(e.valLoss));
  const spans: Array<{ from: number; to: number }> = [];
  let from: number | null = null;
  points.forEach((point, i) => {
    const above = point.valLoss > limit.threshold;
    const previous = points[i - 1];
    // Where the straight line between two epochs crosses the threshold.
    const crossing = () => previous.epoch + ((limit.threshold - previous.valLoss) / (point.valLoss - previous.valLoss)) * (point.epoch - previous.epoch);
    if (above && from === null) from = previous ? crossing() : point.epoch;
    if (!above && from !== null) {
      spans.push({ from, to: crossing() });
      from = null;
    }
  });
  if (from !== null) spans.push({ from, to: points[points.length - 1].epoch });
  return spans;
}
