/**
 * mulberry32: a small, fast, well-mixed 32-bit PRNG returning floats in [0, 1). The one seeded
 * generator of the project: dataset splits, training shuffles and augmentation, test data.
 * Splits depend on its exact sequence (datasets/splits.ts pins it), so never change it.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
