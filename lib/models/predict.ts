/**
 * Batched inference over a dataset, returning plain Float32Arrays.
 *
 * Per batch, the uint8 pixels are turned into model input in one pass through the
 * preprocessing lookup tables, into a buffer reused for every batch, and handed to TF.js as a
 * tensor of the model's input shape (a flat [784] model and a [28, 28, 1] model read the same
 * NHWC bytes; only the tensor's shape differs). Every tensor is disposed before the next batch.
 */
import * as tf from "@tensorflow/tfjs";
import { softmaxRows } from "@/lib/scoring";
import type { LoadedSubmission, OutputKind } from "./load";
import { applyLookup, pixelLookupTables, type Preprocessing } from "./preprocessing";

export interface PredictOptions {
  /** Defaults to the submission's resolved preprocessing. */
  preprocessing?: Preprocessing;
  batchSize?: number;
  /**
   * Another engine for the same batches (ONNX Runtime, lib/engine/onnx): gets the preprocessed
   * NHWC values of n examples ([n, ...inputShape]) and resolves to their n x numClasses outputs.
   * Absent: TF.js runs the model (loaded.predictBatch).
   */
  runBatch?: (values: Float32Array, n: number) => Promise<Float32Array>;
  onProgress?: (done: number, total: number) => void;
}

export interface Predictions {
  count: number;
  numClasses: number;
  outputKind: OutputKind;
  /** The model's outputs as produced, [count x numClasses]. */
  outputs: Float32Array;
  /** Class probabilities: the outputs for softmax models, softmax(logits), or normalized scores. */
  probabilities: Float32Array;
}

/**
 * Runs the model on `count` images stored NHWC as bytes (`imageShape` = [h, w, c]).
 */
export async function predictImages(
  loaded: Pick<LoadedSubmission, "predictBatch" | "inputShape" | "numClasses" | "outputKind" | "preprocessing">,
  images: Uint8Array,
  count: number,
  imageShape: [number, number, number],
  opts: PredictOptions = {},
): Promise<Predictions> {
  const [h, w, c] = imageShape;
  const valuesPerImage = h * w * c;
  if (images.length < count * valuesPerImage) throw new Error(`images hold ${images.length} bytes, expected ${count} x ${valuesPerImage}`);
  if (loaded.inputShape.reduce((a, b) => a * b, 1) !== valuesPerImage) {
    throw new Error(`model input ${JSON.stringify(loaded.inputShape)} does not hold ${h}x${w}x${c} images`);
  }
  const batchSize = Math.max(1, opts.batchSize ?? 256);
  const tables = pixelLookupTables(opts.preprocessing ?? loaded.preprocessing, c);
  const k = loaded.numClasses;
  const outputs = new Float32Array(count * k);
  const buffer = new Float32Array(Math.min(batchSize, count) * valuesPerImage);

  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const pixels = images.subarray(start * valuesPerImage, (start + n) * valuesPerImage);
    const values = applyLookup(pixels, tables, buffer.subarray(0, n * valuesPerImage));
    if (opts.runBatch) {
      const y = await opts.runBatch(values, n);
      if (y.length !== n * k) throw new Error(`the scoring engine returned ${y.length} values for ${n} examples of ${k} classes`);
      outputs.set(y, start * k);
      opts.onProgress?.(start + n, count);
      continue;
    }
    const x = tf.tensor(values, [n, ...loaded.inputShape], "float32");
    let y: tf.Tensor | null = null;
    try {
      y = await loaded.predictBatch(x);
      outputs.set((await y.data()) as Float32Array, start * k);
    } finally {
      x.dispose();
      y?.dispose();
    }
    opts.onProgress?.(start + n, count);
  }

  return { count, numClasses: k, outputKind: loaded.outputKind, outputs, probabilities: toProbabilities(outputs, k, loaded.outputKind) };
}

export function toProbabilities(outputs: Float32Array, numClasses: number, kind: OutputKind): Float32Array {
  if (kind === "probabilities") return outputs;
  if (kind === "logits") return softmaxRows(outputs, numClasses);
  // Other activations (sigmoid, relu, ...): normalize each row to sum 1, like Keras' loss does.
  const out = new Float32Array(outputs.length);
  for (let row = 0; row < outputs.length; row += numClasses) {
    let sum = 0;
    for (let j = 0; j < numClasses; j++) sum += Math.max(0, outputs[row + j]);
    for (let j = 0; j < numClasses; j++) out[row + j] = sum > 0 ? Math.max(0, outputs[row + j]) / sum : 1 / numClasses;
  }
  return out;
}
