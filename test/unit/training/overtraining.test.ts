import { describe, expect, it } from "vitest";
import { analyzeCurves, overtrainingSpans, overtrainingThreshold, type CurvePoint } from "@/lib/training/overtraining";

/** Curves from parallel arrays; epochs numbered from 1. */
function curves(loss: number[], valLoss: number[]): CurvePoint[] {
  return loss.map((l, i) => ({ epoch: i + 1, loss: l, valLoss: valLoss[i] }));
}

describe("analyzeCurves", () => {
  it("finds the best epoch and the start of overfitting on a classic U-shaped validation curve", () => {
    const result = analyzeCurves(curves([1.0, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15], [1.0, 0.75, 0.6, 0.55, 0.6, 0.7, 0.8]));
    expect(result.bestEpoch).toBe(4);
    expect(result.overfitStartEpoch).toBe(4);
  });

  it("ignores a one-epoch bump in validation loss", () => {
    const result = analyzeCurves(curves([1.0, 0.8, 0.6, 0.5, 0.4, 0.3], [1.0, 0.8, 0.7, 0.75, 0.65, 0.6]));
    expect(result.bestEpoch).toBe(6);
    expect(result.overfitStartEpoch).toBeNull();
  });

  it("needs two worse epochs after the best one", () => {
    expect(analyzeCurves(curves([1.0, 0.8, 0.6, 0.5], [1.0, 0.8, 0.7, 0.9])).overfitStartEpoch).toBeNull();
    expect(analyzeCurves(curves([1.0, 0.8, 0.6, 0.5, 0.45], [1.0, 0.8, 0.7, 0.9, 0.95])).overfitStartEpoch).toBe(3);
  });

  it("does not call a two-epoch rise overfitting when validation later reaches a new low", () => {
    const result = analyzeCurves(curves([1.0, 0.8, 0.7, 0.6, 0.5, 0.4], [1.0, 0.8, 0.85, 0.9, 0.7, 0.65]));
    expect(result.bestEpoch).toBe(6);
    expect(result.overfitStartEpoch).toBeNull();
  });

  it("is not overfitting when training loss rises too (divergence)", () => {
    const result = analyzeCurves(curves([1.0, 0.6, 0.7, 0.9], [1.0, 0.6, 0.8, 1.1]));
    expect(result.bestEpoch).toBe(2);
    expect(result.overfitStartEpoch).toBeNull();
  });

  it("tolerates one noisy training epoch inside the window", () => {
    const result = analyzeCurves(curves([1.0, 0.6, 0.62, 0.45, 0.4], [1.0, 0.6, 0.7, 0.8, 0.9]));
    expect(result.overfitStartEpoch).toBe(2);
  });

  it("treats a rise below minDelta as a plateau", () => {
    const points = curves([1.0, 0.6, 0.5, 0.4], [1.0, 0.6, 0.6005, 0.601]);
    expect(analyzeCurves(points).overfitStartEpoch).toBe(2);
    expect(analyzeCurves(points, { minDelta: 0.01 }).overfitStartEpoch).toBeNull();
  });

  it("reports the generalization gap per epoch", () => {
    const points: CurvePoint[] = [
      { epoch: 1, loss: 0.9, valLoss: 1.0, acc: 0.6, valAcc: 0.55 },
      { epoch: 2, loss: 0.5, valLoss: 0.8, acc: 0.8, valAcc: 0.7 },
    ];
    const { generalizationGap } = analyzeCurves(points);
    expect(generalizationGap.map((g) => g.epoch)).toEqual([1, 2]);
    expect(generalizationGap[0].loss).toBeCloseTo(0.1);
    expect(generalizationGap[1].loss).toBeCloseTo(0.3);
    expect(generalizationGap[1].accuracy).toBeCloseTo(0.1);
  });

  it("handles no epochs and missing validation", () => {
    expect(analyzeCurves([])).toEqual({ bestEpoch: null, overfitStartEpoch: null, generalizationGap: [] });
    const result = analyzeCurves(curves([1, 0.5], [NaN, NaN]));
    expect(result.bestEpoch).toBeNull();
    expect(result.overfitStartEpoch).toBeNull();
    expect(result.generalizationGap[0].accuracy).toBeNull();
  });

  it("takes the first of equal minima as the best epoch, and the last as where overfitting can start", () => {
    const result = analyzeCurves(curves([1.0, 0.8, 0.6, 0.5, 0.4], [1.0, 0.5, 0.5, 0.7, 0.8]));
    expect(result.bestEpoch).toBe(2);
    expect(result.overfitStartEpoch).toBe(3);
  });
});

describe("overtrainingSpans (the report's shading, with the visible margin)", () => {
  it("shades from where validation loss crosses best + margin to the last epoch", () => {
    // Best 0.55 at epoch 4; chart height 1.0: margin max(5% of 0.55, 1% of 1.0) = 0.0275.
    const points = curves([1.0, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15], [1.0, 0.75, 0.6, 0.55, 0.6, 0.7, 0.8]);
    const limit = overtrainingThreshold(points)!;
    expect(limit.margin).toBeCloseTo(0.0275);
    expect(limit.threshold).toBeCloseTo(0.5775);
    const spans = overtrainingSpans(points, analyzeCurves(points).overfitStartEpoch);
    expect(spans).toHaveLength(1);
    // 0.55 -> 0.6 between epochs 4 and 5 crosses 0.5775 at 4.55.
    expect(spans[0].from).toBeCloseTo(4.55);
    expect(spans[0].to).toBe(7);
  });

  it("shades nothing when the rise stays within the margin, though the analysis calls it overtraining", () => {
    const points = curves([1.0, 0.6, 0.5, 0.4], [1.0, 0.6, 0.6005, 0.601]);
    expect(analyzeCurves(points).overfitStartEpoch).toBe(2);
    expect(overtrainingSpans(points, 2)).toEqual([]);
  });

  it("shades nothing without an overtraining onset (divergence, or no validation)", () => {
    const diverging = curves([1.0, 0.6, 0.7, 0.9], [1.0, 0.6, 0.8, 1.1]);
    expect(overtrainingSpans(diverging, analyzeCurves(diverging).overfitStartEpoch)).toEqual([]);
    expect(overtrainingSpans(curves([1, 0.5], [NaN, NaN]), 1)).toEqual([]);
    expect(overtrainingThreshold(curves([1, 0.5], [NaN, NaN]))).toBeNull();
  });

  it("ends a stretch where validation loss comes back within the margin", () => {
    // Best 0.5 (epoch 2), chart height 1: margin 0.025, threshold 0.525.
    const points = curves([1.0, 0.6, 0.5, 0.45, 0.4, 0.35], [1.0, 0.5, 0.6, 0.7, 0.52, 0.6]);
    const spans = overtrainingSpans(points, 2);
    expect(spans).toHaveLength(2);
    expect(spans[0].from).toBeCloseTo(2.25);
    // 0.7 -> 0.52 between epochs 4 and 5 crosses 0.525 at 4 + 0.175/0.18.
    expect(spans[0].to).toBeCloseTo(4 + 0.175 / 0.18);
    expect(spans[1].from).toBeCloseTo(5 + 0.005 / 0.08);
    expect(spans[1].to).toBe(6);
  });
});
