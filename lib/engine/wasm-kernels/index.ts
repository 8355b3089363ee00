/**
 * Training kernels this project adds to (or replaces in) TensorFlow.js's wasm backend, so that
 * CNNs train on wasm at a useful speed. The stock backend lacks Conv2DBackpropFilter and the
 * depthwise gradients (CNN training throws), and runs several backprop kernels in naive loops
 * at 1-4 GFLOP/s against ~40 for its XNNPACK paths. Each file says what it replaces and why;
 * `holdout bench` measures the result. Every kernel is checked against the cpu backend in
 * test/unit/engine/wasm-kernels.test.ts.
 */
import * as tf from "@tensorflow/tfjs";
import { rememberOriginalKernel } from "./kernel-scope";
import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter";
import { conv2dBackpropInputConfig } from "./conv2d-backprop-input";
import { batchMatMulConfig } from "./batch-matmul";
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from "./depthwise-conv2d-backprop";
import { tileConfig } from "./tile";
import { sumConfig, meanConfig } from "./reduce-leading-axes";
import { maxPoolGradConfig } from "./max-pool-grad";
import { identityConfig } from "./identity";

const TRAINING_KERNELS: tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  batchMatMulConfig,
  tileConfig,
  sumConfig,
  meanConfig,
  maxPoolGradConfig,
  identityConfig,
];

let registered: string[] | null = null;

/**
 * Registers the kernels on the "wasm" backend. Idempotent. Call after the wasm backend has been
 * initialised (initEngine does): a replaced kernel keeps the original's setup function, and its
 * original is captured here so the replacement can delegate to it.
 */
export function registerWasmTrainingKernels(): string[] {
  if (registered) return registered;
  for (const config of TRAINING_KERNELS) {
    // Kept so the replacement can still hand the cases it does not cover to the original.
    const original = rememberOriginalKernel(config.kernelName);
    if (original) tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel({ ...config, setupFunc: original?.setupFunc, disposeFunc: original?.disposeFunc });
  }
  registered = TRAINING_KERNELS.map((config) => config.kernelName);
  return registered;
}
