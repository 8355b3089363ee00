/**
 * BatchMatMul for the wasm backend with the transposes done explicitly.
 *
 * The built-in kernel sends only non-transposed, batch-1 products to XNNPACK (~40 GFLOP/s); with
 * transposeA or transposeB it falls back to a naive loop (0.8-3.5 GFLOP/s). Dense layers hit both
 * in every backward pass (dW = x^T dy, dx = dy W^T), so an explicit Transpose (one cheap memory
 * pass) followed by the fast path wins by a wide margin. Batched (rank > 2 with batch > 1)
 * products take the naive path either way and are left to the original kernel.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { runWasmKernel, withScope, type TensorInfo } from "./kernel-scope";

export function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const a = args.inputs.a as TensorInfo;
  const b = args.inputs.b as TensorInfo;
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const batchA = a.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const batchB = b.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  if ((!transposeA && !transposeB) || batchA !== 1 || batchB !== 1 || a.dtype !== "float32" || b.dtype !== "float32") {
    return runWasmKernel(backend, "BatchMatMul", { a, b }, args.attrs);
  }
  return withScope(backend, (scope) => {
    const a2d = scope.reshape(a, a.shape.slice(-2));
    const b2d = scope.reshape(b, b.shape.slice(-2));
    const aReady = transposeA ? scope.transpose(a2d, [1, 0]) : a2d;
    const bReady = transposeB ? scope.transpose(b2d, [1, 0]) : b2d;
    const product = scope.matMul(aReady, bReady);
    // Keep the leading batch-1 dimensions the caller asked for.
    const outShape = [...(a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2), product.shape[0], product.shape[1]];
    return scope.reshape(product, outShape);
  });
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: "BatchMatMul",
  backendName: "wasm",
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
