import { describe, expect, it } from "vitest";
import { accuracyInterval, clopperPearson, contaminationCheck, ladderStep, ladderThreshold, mcnemarExact, regularizedBeta } from "@/lib/leaderboard/statistics";
import { bitAt, countBits, discordantCounts, packBits } from "@/lib/scoring";

// Reference values: scipy 1.17 (scipy.stats.binomtest(k, n).proportion_ci(method="exact"), binomtest(b, b + c, 0.5).pvalue),
// which agree with R's binom.test.
describe("Clopper-Pearson intervals", () => {
  it.each([
    [0, 10, 0.0, 0.30849710781876294],
    [10, 10, 0.6915028921812371, 1.0],
    [5, 10, 0.1870860284474045, 0.8129139715525955],
    [1, 10, 0.0025285785444625728, 0.44501611702819543],
    [2970, 3000, 0.985754925826242, 0.993243157032666],
    [2999, 3000, 0.9981442000058509, 0.9999915607662875],
    [6930, 7000, 0.987382269243916, 0.9921964472432111],
  ])("%i of %i", (k, n, low, high) => {
    const interval = clopperPearson(k, n);
    expect(interval.low).toBeCloseTo(low, 9);
    expect(interval.high).toBeCloseTo(high, 9);
  });

  it("accuracyInterval rounds the score to whole examples and refuses empty splits", () => {
    expect(accuracyInterval(0.99, 3000)).toEqual(clopperPearson(2970, 3000));
    expect(accuracyInterval(0.5, 0)).toBeNull();
    expect(() => clopperPearson(11, 10)).toThrow(/0 <= k <= n/);
  });

  it("the incomplete beta function matches known values", () => {
    expect(regularizedBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 12);
    expect(regularizedBeta(0.2, 1, 1)).toBeCloseTo(0.2, 12);
  });
});

describe("exact McNemar test", () => {
  it.each([
    [0, 1, 1.0],
    [10, 0, 0.001953125],
    [5, 15, 0.04138946533203125],
    [3, 4, 1.0],
    [0, 3, 0.25],
    [20, 40, 0.01348929373119186],
    [0, 0, 1.0],
  ])("%i vs %i discordant", (b, c, p) => {
    expect(mcnemarExact(b, c)).toBeCloseTo(p, 12);
    expect(mcnemarExact(c, b)).toBeCloseTo(p, 12);
  });
});

describe("per-example bitsets", () => {
  it("pack, read back, count and compare", () => {
    const a = [1, 0, 1, 1, 0, 0, 0, 1, 1, 1];
    const b = [1, 1, 0, 1, 0, 0, 0, 1, 0, 1];
    const bitsA = packBits(a);
    expect(bitsA.length).toBe(2);
    expect(a.map((_, i) => (bitAt(bitsA, i) ? 1 : 0))).toEqual(a);
    expect(countBits(bitsA, 10)).toBe(6);
    expect(discordantCounts(bitsA, packBits(b), 10)).toEqual({ onlyA: 2, onlyB: 1 });
    expect(() => discordantCounts(bitsA, packBits([1]), 10)).toThrow(/fewer than 10/);
  });
});

describe("the Ladder", () => {
  it("threshold is 1/sqrt(n) to the nearest 0.1 point", () => {
    expect(ladderThreshold(3000)).toBe(0.018);
    expect(ladderThreshold(10000)).toBe(0.01);
    expect(ladderThreshold(100)).toBe(0.1);
  });
  it("shows a new score only when it beats the best shown by more than the threshold", () => {
    expect(ladderStep(null, 0.9, 0.018)).toEqual({ shown: 0.9, updated: true });
    expect(ladderStep(0.9, 0.91, 0.018)).toEqual({ shown: 0.9, updated: false });
    expect(ladderStep(0.9, 0.93, 0.018)).toEqual({ shown: 0.93, updated: true });
    expect(ladderStep(0.9, 0.85, 0.018)).toEqual({ shown: 0.9, updated: false });
  });
});

describe("trained on the test set?", () => {
  it("flags a test accuracy clearly above the training slice, or near 100%", () => {
    expect(contaminationCheck({ accuracy: 0.99, n: 10000 }, { accuracy: 0.95, n: 2000 })).toMatchObject({ flagged: true, reason: "test-clearly-above-training" });
    expect(contaminationCheck({ accuracy: 0.9995, n: 10000 }, { accuracy: 0.9995, n: 2000 })).toMatchObject({ flagged: true, reason: "near-perfect-on-test" });
  });
  it("does not flag an honest model (training accuracy at or a little below test accuracy)", () => {
    expect(contaminationCheck({ accuracy: 0.9924, n: 10000 }, { accuracy: 0.996, n: 2000 }).flagged).toBe(false);
    expect(contaminationCheck({ accuracy: 0.9924, n: 10000 }, { accuracy: 0.99, n: 2000 }).flagged).toBe(false);
  });
});
