/**
 * Conv2DBackpropFilter for the wasm backend (which does not ship one): the filter gradient of a
 * 2-D convolution, dW[i,j,ci,co] = sum over n,y,x of xPadded[n, y*sh + i*dh, x*sw + j*dw, ci] *
 * dy[n,y,x,co].
 *
 * Done as matrix products so XNNPACK's GEMM does the arithmetic:
 *   colsT [kh*kw*ci, n*oh*ow]  (im2col, already transposed)   x   dy [n*oh*ow, co]  =  dW.
 * - colsT is the left operand because BatchMatMul's fast path packs the right operand as
 *   "weights", and dy is the smaller one to pack.
 * - The product runs over chunks of a few samples (~4k columns) and the partial results are
 *   added up: with the whole batch at once the reduction dimension is ~10^5 long, GEMM panels
 *   fall out of cache and XNNPACK drops from ~43 to ~28 GFLOP/s. Chunks also keep the im2col
 *   buffer in cache between writing and reading it.
 * - The im2col is written by JS straight into the wasm heap, from a channel-major, padded copy
 *   of x ([ci, n, hp, wp], made by the C++ Transpose and PadV2 kernels): row by row in general,
 *   and for stride 1 on large maps as whole shifted windows (see usesShiftedWindows), which
 *   copy at memcpy speed.
 * Measured (batch 128, one thread): 27-30 GFLOP/s on the MNIST/CIFAR CNN layers, against 0.02
 * for the cpu backend's kernel and ~0.6 for wasm's own Conv3DBackpropFilterV2 used as 2-D.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { withScope, type TensorInfo, type KernelScope } from "./kernel-scope";

interface FilterGradGeometry {
  batch: number;
  inChannels: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  paddedHeight: number;
  paddedWidth: number;
}

export function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x as TensorInfo;
  const dy = args.inputs.dy as TensorInfo;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (attrs.dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropFilter supports NHWC only");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const geometry: FilterGradGeometry = {
    batch: info.batchSize,
    inChannels: info.inChannels,
    outChannels: info.outChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padBottom: info.padInfo.bottom,
    padLeft: info.padInfo.left,
    padRight: info.padInfo.right,
    paddedHeight: info.inHeight + info.padInfo.top + info.padInfo.bottom,
    paddedWidth: info.inWidth + info.padInfo.left + info.padInfo.right,
  };
  return withScope(backend, (scope) => {
    const planes = channelMajorPadded(scope, x, geometry);
    const grid = usesShiftedWindows(geometry);
    // With shifted windows the columns run over the whole padded grid; dy gets zero rows and
    // columns there so those extra columns add nothing.
    const columnsPerSample = grid ? geometry.paddedHeight * geometry.paddedWidth : geometry.outHeight * geometry.outWidth;
    const dySource = grid
      ? scope.run("PadV2", { x: dy }, { paddings: [[0, 0], [0, geometry.paddedHeight - geometry.outHeight], [0, geometry.paddedWidth - geometry.outWidth], [0, 0]], constantValue: 0 })
      : dy;
    const samplesPerChunk = Math.max(1, Math.min(geometry.batch, Math.round(TARGET_CHUNK_COLUMNS / columnsPerSample)));
    const rows = geometry.filterHeight * geometry.filterWidth * geometry.inChannels;
    const sums = new Float64Array(rows * geometry.outChannels);
    for (let first = 0; first < geometry.batch; first += samplesPerChunk) {
      const count = Math.min(samplesPerChunk, geometry.batch - first);
      // Fresh tensors per chunk: XNNPACK caches packed weights by tensor id, so reusing the
      // right operand's buffer with new contents would multiply by stale weights.
      const colsT = scope.allocate([rows, count * columnsPerSample]);
      (grid ? writeShiftedWindows : writeIm2colTransposed)(scope.view(planes), scope.view(colsT), geometry, first, count);
      const dyChunk = scope.sliceLeading(dySource, first, count);
      const dy2d = scope.reshape(dyChunk, [count * columnsPerSample, geometry.outChannels]);
      const partial = scope.matMul(colsT, dy2d);
      const values = scope.view(partial);
      for (let k = 0; k < sums.length; k++) sums[k] += values[k];
      scope.release(colsT, dyChunk, dy2d, partial);
    }
    const dw = scope.allocate(attrs.filterShape);
    scope.view(dw).set(sums);
    return dw;
  });
}

/**
 * Stride 1 allows "shifted windows": over the padded grid [n, hp, wp] flattened, output pixel
 * (n, y, x) of tap (i, j) reads position (n, y, x) + i*wp + j, so each im2col row is one
 * contiguous window of the channel's planes, copied at memcpy speed instead of row by row. The
 * price is GEMM columns for the grid positions outside the output (zero in dy). Worth it when
 * that waste is small: large images, little padding.
 */
function usesShiftedWindows(g: FilterGradGeometry): boolean {
  if (g.strideHeight !== 1 || g.strideWidth !== 1) return false;
  const waste = (g.paddedHeight * g.paddedWidth) / (g.outHeight * g.outWidth);
  return waste <= MAX_GRID_WASTE;
}

/** Measured on the CIFAR CNN: 16x16 'same' maps (waste 1.27) run ~12% faster with windows, 8x8 ones (1.56) ~40% slower. */
const MAX_GRID_WASTE = 1.4;

/** Columns per GEMM chunk: large enough to amortise a call, small enough to stay in cache. */
const TARGET_CHUNK_COLUMNS = 4096;

/** x [n,h,w,ci] -> [ci, n, h+pt+pb, w+pl+pr]: one contiguous, zero-bordered plane per channel and sample. */
function channelMajorPadded(scope: KernelScope, x: TensorInfo, g: FilterGradGeometry): TensorInfo {
  const [, height, width] = x.shape;
  const planes = g.inChannels === 1 ? scope.reshape(x, [1, g.batch, height, width]) : scope.transpose(x, [3, 0, 1, 2]);
  if (g.padTop + g.padBottom + g.padLeft + g.padRight === 0) return planes;
  return scope.run("PadV2", { x: planes }, { paddings: [[0, 0], [0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight]], constantValue: 0 });
}

/**
 * dst[(i*kw + j)*ci + c][r] = planesFlat[c][first*hp*wp + r + i*dh*wp + j*dw] for r over the
 * chunk's grid positions. Positions read past a sample's plane only meet zero dy rows; past the
 * end of the buffer they are zero-filled.
 */
function writeShiftedWindows(src: Float32Array, dst: Float32Array, g: FilterGradGeometry, first: number, count: number): void {
  const planeSize = g.paddedHeight * g.paddedWidth;
  const length = count * planeSize;
  let d = 0;
  for (let i = 0; i < g.filterHeight; i++) {
    for (let j = 0; j < g.filterWidth; j++) {
      const tapOffset = i * g.dilationHeight * g.paddedWidth + j * g.dilationWidth;
      for (let c = 0; c < g.inChannels; c++) {
        const start = (c * g.batch + first) * planeSize + tapOffset;
        const end = Math.min(start + length, src.length);
        dst.set(src.subarray(start, end), d);
        if (end - start < length) dst.fill(0, d + (end - start), d + length);
        d += length;
      }
    }
  }
}

/**
 * dst[(i*kw + j)*ci + c][(n - first)*oh*ow + y*ow + x] = planes[c, n, y*sh + i*dh, x*sw + j*dw] for
 * the samples first .. first+count-1: each row is one filter tap of one input channel, each
 * column one output pixel.
 */
function writeIm2colTransposed(src: Float32Array, dst: Float32Array, g: FilterGradGeometry, first: number, count: number): void {
  const planeSize = g.paddedHeight * g.paddedWidth;
  let d = 0;
  for (let i = 0; i < g.filterHeight; i++) {
    for (let j = 0; j < g.filterWidth; j++) {
      const tapOffset = i * g.dilationHeight * g.paddedWidth + j * g.dilationWidth;
      for (let c = 0; c < g.inChannels; c++) {
        for (let n = first; n < first + count; n++) {
          const base = (c * g.batch + n) * planeSize + tapOffset;
          for (let y = 0; y < g.outHeight; y++) {
            let s = base + y * g.strideHeight * g.paddedWidth;
            if (g.strideWidth === 1 && g.outWidth >= 32) {
              // A long contiguous run: set() is a memcpy, faster than an element loop from
              // ~32 elements on (below that the subarray allocation costs more).
              dst.set(src.subarray(s, s + g.outWidth), d);
              d += g.outWidth;
            } else {
              for (let xo = 0; xo < g.outWidth; xo++, s += g.strideWidth) dst[d++] = src[s];
            }
          }
        }
      }
    }
  }
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
