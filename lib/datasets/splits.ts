/**
 * Deterministic, stratified splits of a labelled set.
 *
 * - splitPublicPrivate: the test set of a competition is cut into a public part (scores shown
 *   on the leaderboard while it runs) and a private part (hidden until the end).
 * - splitTrainValidation: a validation set carved out of the training data.
 *
 * Algorithm (recorded as SPLIT_ALGORITHM with every split, so it can be reproduced):
 * per-class quotas by the largest-remainder method (each class gets floor or ceil of its exact
 * share, the total is exact), then, for each class in label order, a Fisher-Yates shuffle of
 * that class's indices driven by one mulberry32 stream seeded from `seed`; the first quota
 * indices go to the first part. Output indices are sorted ascending.
 */
import { getDatasetSpec, type DatasetName } from "./registry";

import { mulberry32 } from "@/lib/random";

export const SPLIT_ALGORITHM = "stratified-largest-remainder/fisher-yates/mulberry32@1";

export type Seed = number | string;

export { mulberry32 };

/** Integer seeds in [0, 2^32) are used as they are; anything else is hashed (FNV-1a) to 32 bits. */
export function seedToUint32(seed: Seed): number {
  if (typeof seed === "number" && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32) return seed;
  if (typeof seed === "number" && !Number.isFinite(seed)) throw new Error(`Split seed must be a finite number or a string, got ${seed}.`);
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface ClassCount {
  label: number;
  total: number;
  /** Examples of this class in the first part (public / validation). */
  first: number;
  /** Examples of this class in the second part (private / train). */
  second: number;
}

export interface SplitCounts {
  total: number;
  first: number;
  second: number;
  perClass: ClassCount[];
}

export interface PublicPrivateSplit {
  publicIndices: Uint32Array;
  privateIndices: Uint32Array;
  seed: Seed;
  publicFraction: number;
  algorithm: string;
  counts: {
    total: number;
    public: number;
    private: number;
    perClass: Array<{ label: number; total: number; public: number; private: number }>;
  };
}

export interface TrainValidationSplit {
  trainIndices: Uint32Array;
  validationIndices: Uint32Array;
  seed: Seed;
  validationCount: number;
  algorithm: string;
  counts: {
    total: number;
    train: number;
    validation: number;
    perClass: Array<{ label: number; total: number; train: number; validation: number }>;
  };
}

function numClassesOf(labels: ArrayLike<number>, numClasses?: number): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) throw new Error(`Labels must be non-negative integers (record ${i} is not).`);
    if (l > max) max = l;
  }
  if (numClasses !== undefined) {
    if (max >= numClasses) throw new Error(`A label is ${max}, outside 0..${numClasses - 1} for ${numClasses} classes.`);
    return numClasses;
  }
  return max + 1;
}

/** Per-class quotas summing exactly to `take`, each the floor or ceil of the class's exact share. */
function quotas(classTotals: number[], take: number): number[] {
  const n = classTotals.reduce((a, b) => a + b, 0);
  if (n === 0) return classTotals.map(() => 0);
  const q = classTotals.map((c) => Math.floor((c * take) / n));
  const rem = classTotals.map((c, i) => c * take - q[i] * n);
  let left = take - q.reduce((a, b) => a + b, 0);
  const order = classTotals.map((_, i) => i).sort((a, b) => rem[b] - rem[a] || a - b);
  for (const i of order) {
    if (left <= 0) break;
    if (rem[i] > 0) {
      q[i]++;
      left--;
    }
  }
  return q;
}

/** Core: stratified split taking `take` examples into the first part. */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  take: number,
  seed: Seed,
  numClasses?: number,
): { first: Uint32Array; second: Uint32Array; counts: SplitCounts } {
  const n = labels.length;
  if (!Number.isInteger(take) || take < 0 || take > n) throw new Error(`Cannot take ${take} of ${n} examples.`);
  const k = numClassesOf(labels, numClasses);
  const byClass: Uint32Array[] = [];
  const totals = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) totals[labels[i]]++;
  for (let c = 0; c < k; c++) byClass.push(new Uint32Array(totals[c]));
  const fill = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    byClass[c][fill[c]++] = i;
  }
  const q = quotas(totals, take);
  const rand = mulberry32(seedToUint32(seed));
  const first = new Uint32Array(take);
  const second = new Uint32Array(n - take);
  let fi = 0;
  let si = 0;
  const perClass: ClassCount[] = [];
  for (let c = 0; c < k; c++) {
    const idx = byClass[c];
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    first.set(idx.subarray(0, q[c]), fi);
    fi += q[c];
    second.set(idx.subarray(q[c]), si);
    si += idx.length - q[c];
    perClass.push({ label: c, total: idx.length, first: q[c], second: idx.length - q[c] });
  }
  first.sort();
  second.sort();
  return { first, second, counts: { total: n, first: take, second: n - take, perClass } };
}

/**
 * Splits a test set into public and private parts, stratified by class and deterministic for
 * a seed. `publicFraction` (default 0.3) of the examples, rounded, go to the public part.
 */
export function splitPublicPrivate(
  labels: ArrayLike<number>,
  opts: { seed: Seed; publicFraction?: number; numClasses?: number },
): PublicPrivateSplit {
  const fraction = opts.publicFraction ?? 0.3;
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`publicFraction must be between 0 and 1, got ${fraction}.`);
  if (opts.seed === undefined || opts.seed === null) throw new Error("splitPublicPrivate needs a seed (record it with the competition).");
  const take = Math.round(labels.length * fraction);
  const { first, second, counts } = stratifiedSplit(labels, take, opts.seed, opts.numClasses);
  return {
    publicIndices: first,
    privateIndices: second,
    seed: opts.seed,
    publicFraction: fraction,
    algorithm: SPLIT_ALGORITHM,
    counts: {
      total: counts.total,
      public: counts.first,
      private: counts.second,
      perClass: counts.perClass.map((c) => ({ label: c.label, total: c.total, public: c.first, private: c.second })),
    },
  };
}

/**
 * Carves a stratified validation set out of training data. `validationCount` defaults to the
 * dataset's registry value (MNIST / Fashion-MNIST 10000, CIFAR-10 5000) when `dataset` is given.
 */
export function splitTrainValidation(
  labels: ArrayLike<number>,
  opts: { seed: Seed; validationCount?: number; dataset?: DatasetName; numClasses?: number },
): TrainValidationSplit {
  const validationCount = opts.validationCount ?? (opts.dataset ? getDatasetSpec(opts.dataset).defaultValidationCount : undefined);
  if (validationCount === undefined) throw new Error("splitTrainValidation needs validationCount (or dataset, for its default).");
  if (opts.seed === undefined || opts.seed === null) throw new Error("splitTrainValidation needs a seed.");
  const { first, second, counts } = stratifiedSplit(labels, validationCount, opts.seed, opts.numClasses);
  return {
    trainIndices: second,
    validationIndices: first,
    seed: opts.seed,
    validationCount,
    algorithm: SPLIT_ALGORITHM,
    counts: {
      total: counts.total,
      train: counts.second,
      validation: counts.first,
      perClass: counts.perClass.map((c) => ({ label: c.label, total: c.total, train: c.second, validation: c.first })),
    },
  };
}
