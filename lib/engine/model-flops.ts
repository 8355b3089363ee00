/**
 * Floating-point operations per example for a forward pass of a built LayersModel: the
 * multiply-adds of convolutions and dense layers as 2 FLOPs each (the usual convention), and
 * every other layer (pooling, normalization, activations, merges, padding, upsampling) at about
 * one operation per output element, since they are memory-bound and cost in proportion to what
 * they write. Training costs about three times the forward pass: the forward pass, plus the
 * input and the weight gradients. (Uploads are costed before anything is built, from the
 * analysis: lib/models/cost.ts.)
 */
import * as tf from "@tensorflow/tfjs";

function outputShapes(layer: tf.layers.Layer): Array<Array<number | null>> {
  const shape = layer.outputShape as Array<number | null> | Array<Array<number | null>>;
  return (Array.isArray(shape[0]) ? shape : [shape]) as Array<Array<number | null>>;
}

function perExample(shape: Array<number | null>): number {
  return shape.slice(1).reduce<number>((p, d) => p * (d ?? 1), 1);
}

export function forwardFlopsPerExample(model: tf.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      flops += forwardFlopsPerExample(layer);
      continue;
    }
    const kind = layer.getClassName();
    if (kind === "InputLayer") continue;
    const weights = layer.getWeights();
    const outShape = outputShapes(layer)[0];
    // Output positions per example: all output axes but the batch and channel ones.
    const positions = outShape.slice(1, -1).reduce<number>((p, d) => p * (d ?? 1), 1);
    const written = outputShapes(layer).reduce((sum, shape) => sum + perExample(shape), 0);
    if (kind === "Conv2D" || kind === "Conv1D" || kind === "Dense" || kind === "DepthwiseConv2D") {
      // kernel [...spatial, in, out] (Dense: [in, out]); one multiply-add per kernel entry per position.
      flops += 2 * positions * sizeOf(weights[0].shape) + written;
    } else if (kind === "SeparableConv2D") {
      flops += 2 * positions * (sizeOf(weights[0].shape) + sizeOf(weights[1].shape)) + written;
    } else {
      flops += written;
    }
  }
  return flops;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
