/**
 * Depthwise convolution gradients for the wasm backend (which ships neither), so models with
 * DepthwiseConv2D / SeparableConv2D layers train on wasm.
 *
 * Filter shape [kh, kw, c, m]: input channel c produces output channels c*m .. c*m + m-1.
 *   dx[n,h,w,c]   = sum over i,j,k of dyDilated[n, h+pt-i, w+pl-j, c*m+k] * W[i,j,c,k]
 *   dW[i,j,c,k]   = sum over n,y,x of xPadded[n, y*sh+i*dh, x*sw+j*dw, c] * dy[n,y,x,c*m+k]
 * The input gradient is a depthwise convolution of dy with the rotated filter (run by XNNPACK),
 * followed by a sum over the multiplier when m > 1. The filter gradient is a direct loop over
 * the wasm heap: depthwise layers are cheap in FLOPs, and a loop whose inner dimension is the
 * contiguous channel axis of both x and dy avoids any im2col copy.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { withScope, type TensorInfo } from "./kernel-scope";
import { prepareAxis } from "./conv2d-backprop-input";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

export function depthwiseConv2dBackpropInput(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = args.inputs.dy as TensorInfo;
  const filter = args.inputs.filter as TensorInfo;
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error("wasm DepthwiseConv2dNativeBackpropInput supports dilation 1 only");
  const [kh, kw, channels, multiplier] = filter.shape;
  return withScope(backend, (scope) => {
    // W[i,j,c,k] -> W'[kh-1-i, kw-1-j, c*m+k, 1]: one filter per dy channel.
    const rotated = scope.reshape(scope.run("Reverse", { x: filter }, { dims: [0, 1] }), [kh, kw, channels * multiplier, 1]);
    const height = prepareAxis(scope, dy, 1, info.strideHeight, info.outHeight, info.inHeight, kh, info.padInfo.top);
    const both = prepareAxis(scope, height.tensor, 2, info.strideWidth, info.outWidth, info.inWidth, kw, info.padInfo.left);
    const pad = [[0, 0], height.padding, both.padding, [0, 0]];
    const perOutputChannel = scope.run("DepthwiseConv2dNative", { x: both.tensor, filter: rotated }, { strides: [1, 1], pad, dilations: [1, 1] } as unknown as tf.NamedAttrMap);
    if (multiplier === 1) return perOutputChannel;
    const [n, h, w] = perOutputChannel.shape;
    const split = scope.reshape(perOutputChannel, [n, h, w, channels, multiplier]);
    return scope.run("Sum", { x: split }, { axis: [4], keepDims: false });
  });
}

export function depthwiseConv2dBackpropFilter(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x as TensorInfo;
  const dy = args.inputs.dy as TensorInfo;
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  const [kh, kw, channels, multiplier] = attrs.filterShape;
  const [batch, height, width] = x.shape;
  const { outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const outChannels = channels * multiplier;
  return withScope(backend, (scope) => {
    const dw = scope.allocate(attrs.filterShape);
    const xs = scope.view(x);
    const dys = scope.view(dy);
    const out = scope.view(dw);
    // Float64 accumulators: sums run over batch * outHeight * outWidth terms.
    const sums = new Float64Array(kh * kw * outChannels);
    for (let n = 0; n < batch; n++) {
      for (let y = 0; y < outHeight; y++) {
        for (let xo = 0; xo < outWidth; xo++) {
          const dyBase = ((n * outHeight + y) * outWidth + xo) * outChannels;
          for (let i = 0; i < kh; i++) {
            const row = y * strideHeight + i * dilationHeight - padTop;
            if (row < 0 || row >= height) continue;
            for (let j = 0; j < kw; j++) {
              const col = xo * strideWidth + j * dilationWidth - padLeft;
              if (col < 0 || col >= width) continue;
              const xBase = ((n * height + row) * width + col) * channels;
              const sumBase = (i * kw + j) * outChannels;
              if (multiplier === 1) {
                for (let c = 0; c < channels; c++) sums[sumBase + c] += xs[xBase + c] * dys[dyBase + c];
              } else {
                for (let c = 0; c < channels; c++) {
                  const xv = xs[xBase + c];
                  for (let k = 0; k < multiplier; k++) sums[sumBase + c * multiplier + k] += xv * dys[dyBase + c * multiplier + k];
                }
              }
            }
          }
        }
      }
    }
    out.set(sums);
    return dw;
  });
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropInput",
  backendName: "wasm",
  kernelFunc: depthwiseConv2dBackpropInput as unknown as tf.KernelFunc,
};

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropFilter",
  backendName: "wasm",
  kernelFunc: depthwiseConv2dBackpropFilter as unknown as tf.KernelFunc,
};
