/**
 * Test helpers: run the same computation on the cpu backend (the reference) and on wasm (with
 * this project's kernels) from identical inputs, and compare.
 */
import * as tf from "@tensorflow/tfjs";

/** max |a - b| / max |b|: relative to the reference's scale, so near-zero entries don't blow up. */
export function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (actual.length !== reference.length) throw new Error(`length ${actual.length} vs ${reference.length}`);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return scale === 0 ? worst : worst / scale;
}

/** Uniform values in [-1, 1) from a fixed seed. */
export function randomValues(shape: number[], seed: number): Float32Array {
  return tf.tidy(() => tf.randomUniform(shape, -1, 1, "float32", seed).dataSync() as Float32Array);
}

/**
 * Runs `compute` on cpu and on wasm with fresh tensors made from `inputs`, returns each output's
 * values per backend. `compute` may return several tensors (e.g. the gradients).
 */
export async function onBothBackends(inputs: Array<{ values: Float32Array; shape: number[] }>, compute: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const tensors = inputs.map((input) => tf.tensor(input.values, input.shape));
      const out = compute(...tensors);
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync().slice() as Float32Array);
    });
  };
  const cpu = await run("cpu");
  const wasm = await run("wasm");
  return { cpu, wasm };
}
