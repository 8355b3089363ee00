/**
 * Test helpers for models: deterministic random weights and inputs, predictions straight from
 * a TF.js model, and comparison.
 */
import * as tf from "@tensorflow/tfjs";
import type { SubmissionFile } from "@/lib/models";
import { mulberry32 } from "@/lib/random";

/** Seeded test data. */
export const seededRandom = mulberry32;

/**
 * Replaces every weight with seeded random values, so a file written and read back cannot
 * pass by accident (e.g. all-zero biases). Variances stay positive.
 */
export function randomizeWeights(model: tf.LayersModel, seed = 1): void {
  const random = seededRandom(seed);
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const values = weights.map((w) => {
      const shape = w.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      const isVariance = /moving_variance/.test(w.originalName);
      for (let i = 0; i < size; i++) data[i] = isVariance ? 0.5 + random() : (random() - 0.5) * 0.6;
      return tf.tensor(data, shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

export function randomPixels(count: number, shape: number[], seed = 7): Uint8Array {
  const random = seededRandom(seed);
  const out = new Uint8Array(count * shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(random() * 256);
  return out;
}

/** model.predict on pixels / divisor (255 = the "1/255" preprocessing), as a flat Float32Array. */
export function predictDirect(model: tf.LayersModel, pixels: Uint8Array, count: number, inputShape: number[], divisor = 255): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor(Float32Array.from(pixels, (p) => p / divisor), [count, ...inputShape]);
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export const asFile = (name: string, data: Uint8Array): SubmissionFile => ({ name, data });
