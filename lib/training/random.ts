/** Seeded randomness for shuffling and augmentation, so a run with the same seed repeats. */
import { mulberry32 } from "@/lib/random";

/** Seeded generator for shuffles and augmentation draws. */
export const createRandom = mulberry32;

/** Fisher-Yates shuffle of 0..n-1. */
export function shuffledIndices(n: number, random: () => number): Int32Array {
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = indices[i];
    indices[i] = indices[j];
    indices[j] = t;
  }
  return indices;
}
