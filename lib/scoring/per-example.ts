/**
 * Per-example results as compact bytes, kept on the server only (Score.publicCorrect,
 * privateCorrect, publicPredictions): correctness as a bitset, one bit per example in split order
 * (example i is bit i % 8, least significant first, of byte floor(i / 8)), and predicted classes
 * as one byte per example.
 */

/** Packs one flag per example into a bitset (bit i set = example i correct). */
export function packBits(flags: ArrayLike<boolean | number>): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.ceil(flags.length / 8));
  for (let i = 0; i < flags.length; i++) if (flags[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/** Whether example i's bit is set. */
export function bitAt(bits: Uint8Array, i: number): boolean {
  return ((bits[i >> 3] >> (i & 7)) & 1) === 1;
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, v) => {
  let c = 0;
  for (let x = v; x; x >>= 1) c += x & 1;
  return c;
});

/** Set bits among the first n (all of them when n is omitted). */
export function countBits(bits: Uint8Array, n = bits.length * 8): number {
  let total = 0;
  const whole = Math.min(bits.length, n >> 3);
  for (let i = 0; i < whole; i++) total += POPCOUNT[bits[i]];
  for (let i = whole * 8; i < n && i >> 3 < bits.length; i++) if (bitAt(bits, i)) total++;
  return total;
}

/**
 * Discordant pairs of two bitsets over the same n examples: onlyA = examples A gets right and B
 * wrong, onlyB the reverse (what McNemar's test looks at). Throws when the sizes disagree.
 */
export function discordantCounts(a: Uint8Array, b: Uint8Array, n: number): { onlyA: number; onlyB: number } {
  const bytes = Math.ceil(n / 8);
  if (a.length < bytes || b.length < bytes) throw new Error(`per-example results cover fewer than ${n} examples`);
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < bytes; i++) {
    // Bits past n in the last byte are zero in both (packBits never sets them), so they never count.
    onlyA += POPCOUNT[a[i] & ~b[i] & 0xff];
    onlyB += POPCOUNT[b[i] & ~a[i] & 0xff];
  }
  return { onlyA, onlyB };
}
