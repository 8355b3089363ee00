/**
 * Batches straight from the uint8 dataset arrays. Only one batch at a time exists as float32:
 * 60k MNIST images as float would be 188 MB, CIFAR's 50k 614 MB.
 */
import * as tf from "@tensorflow/tfjs";
import type { Preprocessing } from "@/lib/models/preprocessing";

export interface Batch {
  x: tf.Tensor4D;
  /** One-hot labels, [batch, numClasses]. */
  y: tf.Tensor2D;
}

/**
 * Per-channel (scale, offset) so that value = pixel * scale + offset. The preprocessing is the
 * submission's own (lib/models/preprocessing.ts: mean and std on the 0..1 scale); this is the one
 * place it becomes coefficients on raw 0..255 pixels, matching pixelLookupTables exactly:
 * (pixel / 255 - mean) / std = pixel * (1 / (255 std)) - mean / std.
 */
export function preprocessCoefficients(preprocess: Preprocessing, channels: number): { scale: Float32Array; offset: Float32Array } {
  const scale = new Float32Array(channels);
  const offset = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    if (preprocess === "1/255") {
      scale[c] = 1 / 255;
    } else if (preprocess === "raw") {
      scale[c] = 1;
    } else {
      const mean = pick(preprocess.mean, c, channels, "mean");
      const std = pick(preprocess.std, c, channels, "std");
      scale[c] = 1 / (255 * std);
      offset[c] = -mean / std;
    }
  }
  return { scale, offset };
}

function pick(value: number[], channel: number, channels: number, name: string): number {
  if (value.length === 1) return value[0];
  if (value.length !== channels) throw new Error(`preprocess ${name} has ${value.length} values for ${channels} channels`);
  return value[channel];
}

/** Gathers `indices` (positions in the dataset) into a float batch and one-hot labels. */
export function makeBatch(
  images: Uint8Array,
  labels: Uint8Array,
  indices: ArrayLike<number>,
  shape: [number, number, number],
  numClasses: number,
  coefficients: { scale: Float32Array; offset: Float32Array },
): Batch {
  const [height, width, channels] = shape;
  const imageSize = height * width * channels;
  const count = indices.length;
  const pixels = new Float32Array(count * imageSize);
  const oneHot = new Float32Array(count * numClasses);
  const { scale, offset } = coefficients;
  for (let b = 0; b < count; b++) {
    const source = indices[b] * imageSize;
    const target = b * imageSize;
    for (let p = 0; p < imageSize; p += channels) {
      for (let c = 0; c < channels; c++) pixels[target + p + c] = images[source + p + c] * scale[c] + offset[c];
    }
    const label = labels[indices[b]];
    if (label >= numClasses) throw new Error(`label ${label} out of range for ${numClasses} classes`);
    oneHot[b * numClasses + label] = 1;
  }
  return { x: tf.tensor4d(pixels, [count, height, width, channels]), y: tf.tensor2d(oneHot, [count, numClasses]) };
}
