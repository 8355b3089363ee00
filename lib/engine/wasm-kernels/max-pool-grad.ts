/**
 * MaxPoolGrad for the wasm backend: each dy value goes to the position of its window's maximum
 * (the first one in row-major window order on ties, like the cpu backend), added up where
 * windows overlap.
 *
 * The built-in kernel took ~15 ns per input element. This one walks each window per channel
 * with the running maximum in registers and scatters dy to its position.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { runWasmKernel, type TensorInfo } from "./kernel-scope";

export function maxPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = args.inputs.dy as TensorInfo;
  const x = args.inputs.input as TensorInfo;
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  if (x.dtype !== "float32" || x.shape.length !== 4) return runWasmKernel(backend, "MaxPoolGrad", args.inputs as Record<string, TensorInfo>, args.attrs);
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  const dx = backend.makeOutput(x.shape, "float32");
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  dxs.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let y = 0; y < outHeight; y++) {
      const rowStart = y * strideHeight - padTop;
      const rowFrom = Math.max(0, rowStart);
      const rowTo = Math.min(inHeight, rowStart + filterHeight);
      for (let xo = 0; xo < outWidth; xo++) {
        const colStart = xo * strideWidth - padLeft;
        const colFrom = Math.max(0, colStart);
        const colTo = Math.min(inWidth, colStart + filterWidth);
        const dyBase = ((n * outHeight + y) * outWidth + xo) * channels;
        const cornerBase = ((n * inHeight + rowFrom) * inWidth + colFrom) * channels;
        if (rowTo - rowFrom === 2 && colTo - colFrom === 2) {
          // The common 2x2 window, unrolled: same first-maximum rule, no inner loops.
          const right = channels;
          const below = inWidth * channels;
          for (let c = 0, at = cornerBase; c < channels; c++, at++) {
            let bestAt = xs[at] > -Infinity ? at : -1;
            let best = bestAt >= 0 ? xs[at] : -Infinity;
            if (xs[at + right] > best) { best = xs[at + right]; bestAt = at + right; }
            if (xs[at + below] > best) { best = xs[at + below]; bestAt = at + below; }
            if (xs[at + below + right] > best) bestAt = at + below + right;
            if (bestAt >= 0) dxs[bestAt] += dys[dyBase + c];
          }
          continue;
        }
        for (let c = 0; c < channels; c++) {
          let best = -Infinity;
          let bestAt = -1;
          for (let row = rowFrom, rowBase = cornerBase + c; row < rowTo; row++, rowBase += inWidth * channels) {
            for (let col = colFrom, at = rowBase; col < colTo; col++, at += channels) {
              // Strict ">" keeps the first maximum, as the cpu backend does.
              if (xs[at] > best) {
                best = xs[at];
                bestAt = at;
              }
            }
          }
          // A window of only -Infinity/NaN has no maximum; cpu drops its gradient too.
          if (bestAt >= 0) dxs[bestAt] += dys[dyBase + c];
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: "MaxPoolGrad",
  backendName: "wasm",
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
