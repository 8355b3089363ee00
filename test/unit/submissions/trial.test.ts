import { describe, expect, it } from "vitest";
import { preprocessingAdvice, selectTrialSample, trialIndices, TRIAL_SAMPLE_SIZE } from "@/lib/submissions/trial";

const run = (preprocessing: "raw" | "1/255", accuracy: number) => ({ preprocessing, accuracy, correct: Math.round(accuracy * 200) });

describe("preprocessingAdvice (the free model check's warning rule)", () => {
  it("warns and names raw when 1/255 scores near chance and raw far better", () => {
    const [warning] = preprocessingAdvice(200, 10, run("1/255", 0.095), [run("raw", 0.99)]);
    expect(warning).toContain("9.5%");
    expect(warning).toContain("99.0%");
    expect(warning).toContain('preprocessing "raw"');
    expect(warning).toContain("--preprocess raw");
    expect(warning).toContain("does not change your choice");
  });

  it("names 1/255 the other way round", () => {
    const [warning] = preprocessingAdvice(200, 10, run("raw", 0.1), [run("1/255", 0.97)]);
    expect(warning).toContain('preprocessing "1/255"');
  });

  it("stays quiet when the declared one is not near chance, or no other is far better", () => {
    // 10 classes: near chance is below 19%; far better is at least 27 points more.
    expect(preprocessingAdvice(200, 10, run("1/255", 0.19), [run("raw", 0.99)])).toEqual([]);
    expect(preprocessingAdvice(200, 10, run("1/255", 0.185), [run("raw", 0.99)])).toHaveLength(1);
    expect(preprocessingAdvice(200, 10, run("1/255", 0.1), [run("raw", 0.36)])).toEqual([]);
    expect(preprocessingAdvice(200, 10, run("1/255", 0.1), [run("raw", 0.38)])).toHaveLength(1);
    expect(preprocessingAdvice(200, 10, run("1/255", 0.1), [])).toEqual([]);
  });

  it("scales with the number of classes", () => {
    // Two classes: chance is 50%, near chance below 55%, far better 15 points more.
    expect(preprocessingAdvice(200, 2, run("1/255", 0.52), [run("raw", 0.7)])).toHaveLength(1);
    expect(preprocessingAdvice(200, 2, run("1/255", 0.56), [run("raw", 0.9)])).toEqual([]);
  });
});

describe("the trial sample", () => {
  it("takes the same evenly spread public-split images every time", () => {
    const publicIndices = Uint32Array.from({ length: 3000 }, (_, i) => i * 3 + 1);
    const first = trialIndices(publicIndices);
    expect(first).toHaveLength(TRIAL_SAMPLE_SIZE);
    expect(first).toEqual(trialIndices(publicIndices));
    expect(first[0]).toBe(1);
    expect(first[1]).toBe(publicIndices[15]);
    expect([...first].every((index) => (index - 1) % 3 === 0)).toBe(true);
    expect(trialIndices(publicIndices.subarray(0, 50))).toHaveLength(50);
  });

  it("copies exactly those images and labels", () => {
    const shape: [number, number, number] = [2, 2, 1];
    const count = 10;
    const images = Uint8Array.from({ length: count * 4 }, (_, i) => i);
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
    const sample = selectTrialSample({ images, labels, shape, numClasses: 3 }, Uint32Array.from([2, 5, 7]), 2);
    expect(sample.count).toBe(2);
    // Indices 2 and 5 (step 1.5: floor(0), floor(1.5) -> publicIndices[0], [1]).
    expect([...sample.labels]).toEqual([labels[2], labels[5]]);
    expect([...sample.images]).toEqual([8, 9, 10, 11, 20, 21, 22, 23]);
  });
});
