/**
 * Helpers for writing wasm kernels out of other wasm kernels.
 *
 * A kernel function receives TensorInfos (dataId + shape), not Tensors, and must not go back
 * through the engine (that would record ops on the gradient tape in the middle of backprop).
 * So composite kernels call the wasm backend's own kernel functions directly, the way the
 * backend's built-in kernels do, and free their intermediates by hand. `KernelScope` keeps that
 * bookkeeping in one place.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

export type TensorInfo = tf.TensorInfo;
export type Attrs = tf.NamedAttrMap;

/**
 * The wasm backend's original kernels, captured before this project overrides any of them, so a
 * replacement (e.g. BatchMatMul) can still call the original for the cases it does not handle.
 */
const originalKernels = new Map<string, tf.KernelConfig>();

export function rememberOriginalKernel(kernelName: string): tf.KernelConfig | undefined {
  if (!originalKernels.has(kernelName)) {
    const config = tf.getKernel(kernelName, "wasm");
    if (config) originalKernels.set(kernelName, config);
  }
  return originalKernels.get(kernelName);
}

/** Runs a wasm kernel (the original one when it has been overridden) on TensorInfos. */
export function runWasmKernel(backend: BackendWasm, kernelName: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: Attrs = {}): TensorInfo {
  const config = originalKernels.get(kernelName) ?? tf.getKernel(kernelName, "wasm");
  if (!config) throw new Error(`wasm kernel ${kernelName} is not registered`);
  const result = config.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs });
  if (Array.isArray(result)) throw new Error(`wasm kernel ${kernelName} returned several outputs`);
  return result;
}

/** Tracks the intermediates of one composite kernel call and frees them at the end. */
export class KernelScope {
  private readonly temporaries: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  run(kernelName: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: Attrs = {}): TensorInfo {
    const out = runWasmKernel(this.backend, kernelName, inputs, attrs);
    this.temporaries.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }

  /** A plain (non-transposed) 2-D matMul: the only BatchMatMul form XNNPACK runs fast. */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run("BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
  }

  /**
   * Rows [first, first + count) of the leading axis, as a new tensor. (The wasm Slice kernel
   * copies its whole input out of the heap on every call, which is ruinous in a loop.)
   */
  sliceLeading(x: TensorInfo, first: number, count: number): TensorInfo {
    const rowSize = x.shape.slice(1).reduce((p, d) => p * d, 1);
    const out = this.allocate([count, ...x.shape.slice(1)]);
    this.view(out).set(this.view(x).subarray(first * rowSize, (first + count) * rowSize));
    return out;
  }

  /** A fresh float32 output owned by this scope. */
  allocate(shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, "float32");
    this.temporaries.push(out);
    return out;
  }

  /**
   * A Float32Array view of a tensor on the wasm heap. Views go stale when the heap grows, so take
   * them only after every allocation of the step that uses them.
   */
  view(x: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(x) as Float32Array;
  }

  /** Frees intermediates early, e.g. at the end of one chunk of a loop. */
  release(...infos: TensorInfo[]): void {
    for (const info of infos) {
      const index = this.temporaries.lastIndexOf(info);
      if (index >= 0) this.temporaries.splice(index, 1);
      this.backend.disposeData(info.dataId);
    }
  }

  /** Hands `result` to the caller (it will not be freed) and frees everything else. */
  finish(result: TensorInfo): TensorInfo {
    const index = this.temporaries.lastIndexOf(result);
    if (index >= 0) this.temporaries.splice(index, 1);
    this.dispose();
    return result;
  }

  dispose(): void {
    for (const info of this.temporaries) this.backend.disposeData(info.dataId);
    this.temporaries.length = 0;
  }
}

/** Runs `body` with a scope; intermediates are freed even when it throws. */
export function withScope(backend: BackendWasm, body: (scope: KernelScope) => TensorInfo): TensorInfo {
  const scope = new KernelScope(backend);
  try {
    return scope.finish(body(scope));
  } catch (error) {
    scope.dispose();
    throw error;
  }
}
