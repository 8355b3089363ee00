/**
 * Floating-point operations per example for a forward pass of a LayersModel, counting the
 * multiply-adds of convolutions and dense layers as 2 FLOPs each (the usual convention;
 * activations, pooling and normalisation are memory-bound and left out). Training costs about
 * three times the forward pass: the forward pass, plus the input and the weight gradients.
 */
import * as tf from "@tensorflow/tfjs";

export function forwardFlopsPerExample(model: tf.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      flops += forwardFlopsPerExample(layer);
      continue;
    }
    const kind = layer.getClassName();
    const weights = layer.getWeights();
    const outShape = (Array.isArray(layer.outputShape[0]) ? layer.outputShape[0] : layer.outputShape) as Array<number | null>;
    // Output positions per example: all output axes but the batch and channel ones.
    const positions = outShape.slice(1, -1).reduce<number>((p, d) => p * (d ?? 1), 1);
    if (kind === "Conv2D" || kind === "Conv1D" || kind === "Dense") {
      // kernel [...spatial, in, out] (Dense: [in, out]); one multiply-add per kernel entry per position.
      flops += 2 * positions * sizeOf(weights[0].shape);
    } else if (kind === "DepthwiseConv2D") {
      flops += 2 * positions * sizeOf(weights[0].shape);
    } else if (kind === "SeparableConv2D") {
      flops += 2 * positions * (sizeOf(weights[0].shape) + sizeOf(weights[1].shape));
    }
  }
  return flops;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
