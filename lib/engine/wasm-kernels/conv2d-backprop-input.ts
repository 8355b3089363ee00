/**
 * Conv2DBackpropInput for the wasm backend, as a forward Conv2D so XNNPACK does the work.
 *
 * The input gradient of a convolution is a "full" convolution of dy with the filter rotated by
 * 180 degrees and its channel axes swapped:
 *   dx[n,h,w,ci] = sum over i,j,co of dyDilated[n, h + pt - i, w + pl - j, co] * W[i,j,ci,co]
 * where dyDilated has (stride - 1) zeros between neighbours. With k = kh-1-i this is a plain
 * valid convolution of dyDilated, padded by (kh-1-pt) before and (h-1+pt - last index) after,
 * with Wflipped[k,l,co,ci] = W[kh-1-k, kw-1-l, ci, co].
 *
 * The built-in wasm kernel loops naively (~4 GFLOP/s against ~40 for XNNPACK's conv). For
 * stride 2 the zeros waste 3/4 of the multiplications, which is still faster than the naive loop.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { withScope, type TensorInfo, type KernelScope } from "./kernel-scope";

export function conv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = args.inputs.dy as TensorInfo;
  const filter = args.inputs.filter as TensorInfo;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (attrs.dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropInput supports NHWC only");
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  return withScope(backend, (scope) => {
    const flipped = flipFilter(scope, filter);
    const height = prepareAxis(scope, dy, 1, info.strideHeight, info.outHeight, info.inHeight, info.filterHeight, info.padInfo.top);
    const both = prepareAxis(scope, height.tensor, 2, info.strideWidth, info.outWidth, info.inWidth, info.filterWidth, info.padInfo.left);
    // XNNPACK pads inside the convolution, so the zero border costs no copy.
    const pad = [[0, 0], height.padding, both.padding, [0, 0]];
    return scope.run("Conv2D", { x: both.tensor, filter: flipped }, { strides: [1, 1], pad, dilations: [1, 1], dataFormat: "NHWC" } as unknown as tf.NamedAttrMap);
  });
}

/** W[kh,kw,ci,co] -> W[kh-1-i, kw-1-j, co, ci]. The filter is small; this is cheap. */
export function flipFilter(scope: KernelScope, filter: TensorInfo): TensorInfo {
  const reversed = scope.run("Reverse", { x: filter }, { dims: [0, 1] });
  return scope.transpose(reversed, [0, 1, 3, 2]);
}

/**
 * Along one spatial axis (1 = height, 2 = width) of an NHWC tensor: inserts (stride - 1) zeros
 * between elements, and returns the [before, after] zero padding that makes a valid
 * convolution with a `filterSize` filter produce `inputSize` outputs.
 */
export function prepareAxis(scope: KernelScope, t: TensorInfo, axis: 1 | 2, stride: number, outSize: number, inputSize: number, filterSize: number, padBefore: number): { tensor: TensorInfo; padding: [number, number] } {
  let tensor = t;
  let length = outSize;
  if (stride > 1) {
    // [.., outSize, ..] -> [.., outSize, 1, ..] -> pad the new axis to `stride` -> merge: each
    // element is followed by (stride - 1) zeros, including after the last one.
    const shape = tensor.shape.slice();
    const expanded = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
    const paddings = expanded.map((_, k) => (k === axis + 1 ? [0, stride - 1] : [0, 0]));
    const spread = scope.run("PadV2", { x: scope.reshape(tensor, expanded) }, { paddings, constantValue: 0 });
    length = outSize * stride;
    shape[axis] = length;
    tensor = scope.reshape(spread, shape);
  }
  const before = filterSize - 1 - padBefore;
  // The last dy element any dx position reads is at inputSize - 1 + padBefore.
  const after = inputSize - 1 + padBefore - (length - 1);
  if (before < 0) throw new Error(`padding ${padBefore} not smaller than filter size ${filterSize}: unsupported`);
  if (after < 0) {
    // Trailing zeros of the dilation (or rows dropped by a floor-rounded output) that no
    // output position reads: cut them off.
    const size = tensor.shape.slice();
    size[axis] = length + after;
    tensor = scope.run("Slice", { x: tensor }, { begin: tensor.shape.map(() => 0), size });
  }
  return { tensor, padding: [before, Math.max(after, 0)] };
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
