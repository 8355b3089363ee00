/** The definition's validation split is honoured: seeded, stratified, and the report can say so. */
import { describe, expect, it } from "vitest";
import { describeTrainingSplit, trainingRows } from "@/lib/evaluation";

// 60,000 labels like MNIST's training set: 10 classes of uneven size.
const labels = Uint8Array.from({ length: 60_000 }, (_, i) => (i * 7 + (i % 13 === 0 ? 3 : 0)) % 10);

describe("training rows", () => {
  it("a validation split of 0.1 trains on 90% and validates on 10%, every class in proportion", () => {
    const { trainRows, validationRows, info } = trainingRows(labels, 10, 0.1, 20261128);
    expect(trainRows.length).toBe(54_000);
    expect(validationRows.length).toBe(6_000);
    expect(new Set([...trainRows, ...validationRows]).size).toBe(60_000);
    for (let k = 0; k < 10; k++) {
      const total = labels.filter((l) => l === k).length;
      const held = validationRows.filter((row) => labels[row] === k).length;
      expect(Math.abs(held - total / 10)).toBeLessThanOrEqual(1);
    }
    expect(describeTrainingSplit(info)).toBe("trained on 54000, validated on 6000 (10%)");
  });

  it("is seeded: the same seed gives the same rows, another seed others", () => {
    const a = trainingRows(labels, 10, 0.2, 7);
    expect(trainingRows(labels, 10, 0.2, 7).validationRows).toEqual(a.validationRows);
    expect(trainingRows(labels, 10, 0.2, 8).validationRows).not.toEqual(a.validationRows);
    expect(a.validationRows.length).toBe(12_000);
  });

  it("a split of 0 validates on nothing; the budget's cap takes an even spread of the rest", () => {
    const none = trainingRows(labels, 10, 0, 1);
    expect(none.validationRows.length).toBe(0);
    expect(none.trainRows.length).toBe(60_000);
    const capped = trainingRows(labels, 10, 0.1, 1, 3000);
    expect(capped.info).toMatchObject({ trainCount: 3000, validationCount: 6000, leftOut: 51_000 });
    const perClass = Array.from({ length: 10 }, (_, k) => capped.trainRows.filter((row) => labels[row] === k).length);
    expect(Math.min(...perClass)).toBeGreaterThan(250);
  });
});
