import { describe, expect, it } from "vitest";
import { analyzeCurves, type CurvePoint } from "@/lib/training/overtraining";

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
