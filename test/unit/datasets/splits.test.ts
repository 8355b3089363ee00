import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadDataset } from "@/lib/datasets";
import { SPLIT_ALGORITHM, mulberry32, seedToUint32, splitPublicPrivate, splitTrainValidation } from "@/lib/datasets/splits";
import { perClass } from "./helpers";

function expectPartition(a: Uint32Array, b: Uint32Array, n: number) {
  expect(a.length + b.length).toBe(n);
  const seen = new Uint8Array(n);
  for (const arr of [a, b]) {
    for (let i = 0; i < arr.length; i++) {
      if (i > 0) expect(arr[i]).toBeGreaterThan(arr[i - 1]); // sorted ascending, no duplicates
      expect(seen[arr[i]]).toBe(0); // disjoint
      seen[arr[i]] = 1;
    }
  }
  expect(seen.every((x) => x === 1)).toBe(true); // covering
}

function labelsAt(labels: Uint8Array, idx: Uint32Array): Uint8Array {
  return Uint8Array.from(idx, (i) => labels[i]);
}

const digest = (a: Uint32Array) => createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex").slice(0, 16);

describe("public/private split of the real MNIST test set", async () => {
  const { labels } = await loadDataset("mnist", "test", { allowFetch: false });
  const totals = perClass(labels);

  it("is stratified (each class within ±1 of its share), disjoint and covering", () => {
    const s = splitPublicPrivate(labels, { seed: 42 });
    expect(s.publicIndices.length).toBe(3000);
    expect(s.privateIndices.length).toBe(7000);
    expectPartition(s.publicIndices, s.privateIndices, 10000);
    const pub = perClass(labelsAt(labels, s.publicIndices));
    for (let c = 0; c < 10; c++) {
      expect(Math.abs(pub[c] - totals[c] * 0.3)).toBeLessThanOrEqual(1);
      expect(s.counts.perClass[c]).toEqual({ label: c, total: totals[c], public: pub[c], private: totals[c] - pub[c] });
    }
    expect(s.counts).toMatchObject({ total: 10000, public: 3000, private: 7000 });
    expect(s.seed).toBe(42);
    expect(s.algorithm).toBe(SPLIT_ALGORITHM);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const a = splitPublicPrivate(labels, { seed: 42 });
    const b = splitPublicPrivate(labels, { seed: 42 });
    const c = splitPublicPrivate(labels, { seed: 43 });
    expect(Buffer.from(a.publicIndices.buffer).equals(Buffer.from(b.publicIndices.buffer))).toBe(true);
    expect(Buffer.from(a.publicIndices.buffer).equals(Buffer.from(c.publicIndices.buffer))).toBe(false);
    const s1 = splitPublicPrivate(labels, { seed: "course-2025-hw3" });
    const s2 = splitPublicPrivate(labels, { seed: "course-2025-hw3" });
    expect(digest(s1.publicIndices)).toBe(digest(s2.publicIndices));
    // Pinned: a split recorded with a competition must come out the same in later versions.
    expect(digest(a.publicIndices)).toBe("761543e9da59bc68");
  });

  it("honours publicFraction, including 0 and 1", () => {
    const half = splitPublicPrivate(labels, { seed: 1, publicFraction: 0.5 });
    expect(half.publicIndices.length).toBe(5000);
    expect(splitPublicPrivate(labels, { seed: 1, publicFraction: 0 }).publicIndices.length).toBe(0);
    expect(splitPublicPrivate(labels, { seed: 1, publicFraction: 1 }).privateIndices.length).toBe(0);
    expect(() => splitPublicPrivate(labels, { seed: 1, publicFraction: 1.5 })).toThrow(/between 0 and 1/);
  });
});

describe("train/validation split", async () => {
  const { labels } = await loadDataset("mnist", "train", { allowFetch: false });

  it("uses the registry default (MNIST 50k/10k), stratified and deterministic", () => {
    const s = splitTrainValidation(labels, { seed: 7, dataset: "mnist" });
    expect(s.validationIndices.length).toBe(10000);
    expect(s.trainIndices.length).toBe(50000);
    expectPartition(s.trainIndices, s.validationIndices, 60000);
    const totals = perClass(labels);
    const val = perClass(labelsAt(labels, s.validationIndices));
    for (let c = 0; c < 10; c++) expect(Math.abs(val[c] - totals[c] / 6)).toBeLessThanOrEqual(1);
    expect(s.counts.perClass.reduce((a, c) => a + c.validation, 0)).toBe(10000);
    const again = splitTrainValidation(labels, { seed: 7, validationCount: 10000 });
    expect(digest(again.validationIndices)).toBe(digest(s.validationIndices));
  });

  it("defaults CIFAR-10 to 5000 and needs a count otherwise", () => {
    const fake = Uint8Array.from({ length: 50000 }, (_, i) => i % 10);
    expect(splitTrainValidation(fake, { seed: 1, dataset: "cifar10" }).validationIndices.length).toBe(5000);
    expect(() => splitTrainValidation(fake, { seed: 1 })).toThrow(/needs validationCount/);
  });
});

describe("stratification on awkward class sizes", () => {
  it("keeps every class within ±1 and the total exact", () => {
    const sizes = [1, 2, 3, 7, 997, 0, 13];
    const labels: number[] = [];
    sizes.forEach((n, c) => {
      for (let i = 0; i < n; i++) labels.push(c);
    });
    // Shuffle the label order so that classes are interleaved.
    const rand = mulberry32(99);
    for (let i = labels.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [labels[i], labels[j]] = [labels[j], labels[i]];
    }
    for (const fraction of [0.1, 0.3, 0.5, 0.77]) {
      const s = splitPublicPrivate(Uint8Array.from(labels), { seed: 5, publicFraction: fraction });
      expect(s.publicIndices.length).toBe(Math.round(labels.length * fraction));
      expectPartition(s.publicIndices, s.privateIndices, labels.length);
      s.counts.perClass.forEach((c) => expect(Math.abs(c.public - sizes[c.label] * fraction)).toBeLessThan(1 + 1e-9));
    }
  });

  it("maps seeds to 32 bits stably", () => {
    expect(seedToUint32(42)).toBe(42);
    expect(seedToUint32("42")).not.toBe(42);
    expect(seedToUint32("abc")).toBe(seedToUint32("abc"));
    expect(seedToUint32(2 ** 40)).toBe(seedToUint32(String(2 ** 40)));
    expect(() => seedToUint32(Number.NaN)).toThrow(/finite/);
  });
});
