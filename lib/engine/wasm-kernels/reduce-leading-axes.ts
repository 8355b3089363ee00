/**
 * Sum and Mean over the leading axes (e.g. [0,1,2] of an NHWC tensor) for the wasm backend.
 *
 * Bias and BatchNormalization gradients reduce an activation over batch and space, keeping the
 * channel axis. The built-in kernels first transpose the reduced axes to the end (a full copy)
 * and then reduce, ~1.6 ns per element. Here XNNPACK's average pooling does the bulk: the tensor
 * is viewed as [n, rest, 1, channels] and pooled with a [rest, 1] window (~0.12 ns per element),
 * and the n per-sample means are added up in float64. Other reductions go to the originals.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { runWasmKernel, withScope, type TensorInfo } from "./kernel-scope";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function reduceLeading(kind: "Sum" | "Mean", args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x as TensorInfo;
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const isLeadingPrefix = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  const size = x.shape.reduce((p, d) => p * d, 1);
  if (x.dtype !== "float32" || !isLeadingPrefix || size === 0) return runWasmKernel(backend, kind, { x }, args.attrs);

  const kept = x.shape.slice(axes.length);
  const columns = kept.reduce((p, d) => p * d, 1);
  const samples = x.shape[0];
  const window = size / columns / samples;
  const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
  return withScope(backend, (scope) => {
    // Per-sample means over the other reduced axes: [samples, columns].
    const perSample =
      window === 1
        ? x
        : scope.run("AvgPool", { x: scope.reshape(x, [samples, window, 1, columns]) }, { filterSize: [window, 1], strides: [1, 1], pad: "valid" });
    const out = scope.allocate(outShape);
    const src = scope.view(perSample);
    const dst = scope.view(out);
    const sums = new Float64Array(columns);
    for (let n = 0, offset = 0; n < samples; n++, offset += columns) {
      for (let c = 0; c < columns; c++) sums[c] += src[offset + c];
    }
    const scale = kind === "Mean" ? 1 / samples : window;
    for (let c = 0; c < columns; c++) dst[c] = sums[c] * scale;
    return out;
  });
}

export const sumConfig: tf.KernelConfig = {
  kernelName: "Sum",
  backendName: "wasm",
  kernelFunc: ((args: KernelArgs) => reduceLeading("Sum", args)) as unknown as tf.KernelFunc,
};

export const meanConfig: tf.KernelConfig = {
  kernelName: "Mean",
  backendName: "wasm",
  kernelFunc: ((args: KernelArgs) => reduceLeading("Mean", args)) as unknown as tf.KernelFunc,
};
