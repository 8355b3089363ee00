/**
 * What scoring a model on the competition's test set will cost, from the analysis alone (before
 * anything is built or run), and the one rule that refuses a model that cannot be scored within
 * the job's limits. Used by the upload check and by the worker (both through loadSubmissionModel).
 *
 * Cost model (per example, forward pass):
 * - matrix work: the multiply-adds of Dense and convolutions (2 FLOPs each), which run near the
 *   engine's matMul rate;
 * - element work: every other layer at least one operation per output element (pooling window
 *   sizes, normalization and merges as the layer definitions count them). This is memory-bound
 *   work: an UpSampling2D(300) on a 28x28 image writes 70 M elements and reads them again in
 *   the pooling after it, whatever its "FLOPs";
 * - activation memory: the sum of every layer's output (float32) per example, all kept alive
 *   at once (an upper bound of what the engine holds), plus the weights.
 *
 * Engine speed is measured in the sandboxed child (calibrateEngine, ~0.2 s, cached by the parent):
 * the best of a few runs of a matMul (matrix work), and for element work the slower of an
 * element-wise multiply + reduction and a nearest-neighbour resize (what UpSampling2D runs;
 * gathers are the slow end of memory-bound kernels). Matrix work is thus estimated at the
 * engine's fastest; element work at the rate of its slow kernels, which keeps models made of
 * cheap element-wise layers far below any limit while memory-bound blow-ups are priced as they
 * run. Models near the line are left to the wall-clock limit of the job itself.
 */
import * as tf from "@tensorflow/tfjs";
import { fail } from "./errors";
import type { ModelAnalysis } from "./keras/model";
import type { Shape } from "./keras/config";

/** Layers whose FLOPs are multiply-adds that run at the engine's matMul rate. */
const MATRIX_LAYERS = new Set(["Dense", "Conv1D", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose"]);
/** The batch size scoring uses when memory allows (lib/models/predict.ts's default). */
export const DEFAULT_SCORING_BATCH = 256;
/** Memory the engine and the runtime take before the model (V8, wasm heap, the test set). */
const BASE_MEMORY_BYTES = 384 * 1024 * 1024;

export interface ModelCost {
  /** Multiply-add FLOPs per example (Dense, convolutions). */
  matrixFlops: number;
  /** Element operations per example of every other layer (at least one per output element). */
  elementOps: number;
  /** Bytes of all layer outputs for one example (float32). */
  activationBytes: number;
  weightBytes: number;
}

export interface EngineRates {
  /** Multiply-add FLOPs per second of a large matMul. */
  matrixFlopsPerSecond: number;
  /** Element-wise operations per second (read + write of float32 tensors). */
  elementsPerSecond: number;
  backend: string;
}

export interface ScoringBudget {
  /** Test examples the job scores. */
  examples: number;
  /** The job's wall-clock limit for scoring (seconds). */
  timeoutSeconds: number;
  /** The job's memory cap (MB). */
  memoryMb: number;
  /** The measured engine speed; without it only the memory part is checked. */
  rates: EngineRates | null;
}

function elements(shape: Shape | Shape[]): number {
  const shapes = (Array.isArray(shape[0]) ? shape : [shape]) as Shape[];
  return shapes.reduce((sum, s) => sum + s.slice(1).reduce<number>((p, d) => p * (d ?? 1), 1), 0);
}

/** The cost of a Keras/TF.js layers model, from its analysis (nested models: their layers). */
export function layersModelCost(analysis: Pick<ModelAnalysis, "layers" | "totalParams" | "inputShape">): ModelCost {
  let matrixFlops = 0;
  let elementOps = 0;
  let activationBytes = 4 * analysis.inputShape.reduce((p, d) => p * d, 1);
  for (const layer of analysis.layers) {
    if (layer.isModel) continue;
    const out = elements(layer.outputShape);
    activationBytes += 4 * out;
    if (MATRIX_LAYERS.has(layer.className)) {
      matrixFlops += layer.flops;
      elementOps += out; // bias and activation
    } else {
      elementOps += Math.max(layer.flops, out);
    }
  }
  return { matrixFlops, elementOps, activationBytes, weightBytes: 4 * analysis.totalParams };
}

/** The batch scoring can use under the memory cap, or 0 when not even one example fits. */
export function scoringBatchSize(cost: ModelCost, memoryMb: number): number {
  const available = memoryMb * 1024 * 1024 - BASE_MEMORY_BYTES - cost.weightBytes;
  if (available <= 0) return 0;
  return Math.max(0, Math.min(DEFAULT_SCORING_BATCH, Math.floor(available / Math.max(1, cost.activationBytes))));
}

/** Seconds scoring `examples` would take at least, at the engine's best measured speed. */
export function estimatedScoringSeconds(cost: ModelCost, examples: number, rates: EngineRates): number {
  return examples * (cost.matrixFlops / rates.matrixFlopsPerSecond + cost.elementOps / rates.elementsPerSecond);
}

function megabytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

/** Refuses (SubmissionError) a model that cannot be scored within the job's memory or time. */
export function checkScoringCost(cost: ModelCost, budget: ScoringBudget): void {
  if (scoringBatchSize(cost, budget.memoryMb) < 1) {
    fail("TOO_MUCH_MEMORY", `The model's layer outputs take ${megabytes(cost.activationBytes)} for a single image (weights: ${megabytes(cost.weightBytes)}); a job may use ${budget.memoryMb} MB.`, {
      hint: "Keep feature maps small: avoid large UpSampling/ZeroPadding, pool or stride early.",
    });
  }
  if (!budget.rates) return;
  const seconds = estimatedScoringSeconds(cost, budget.examples, budget.rates);
  if (seconds > budget.timeoutSeconds) {
    fail("TOO_SLOW", `Scoring the ${budget.examples.toLocaleString("en")} test images would take at least ${Math.round(seconds).toLocaleString("en")} s on this server (${formatOps(cost.matrixFlops)} of matrix work and ${formatOps(cost.elementOps)} element operations per image); the limit is ${budget.timeoutSeconds} s.`, {
      hint: "Make the model smaller or cheaper per image (fewer/narrower layers, smaller feature maps).",
    });
  }
}

function formatOps(ops: number): string {
  if (ops >= 1e9) return `${(ops / 1e9).toFixed(2)} G`;
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(1)} M`;
  return `${Math.round(ops / 1e3)} K`;
}

/**
 * Measures the current TF.js engine: the best of three runs of a 256x512x512 matMul and of an
 * element-wise op over 4 M floats (~0.1 s on the wasm backend). Call after initEngine.
 */
export async function calibrateEngine(): Promise<EngineRates> {
  const best = async (run: () => tf.Tensor): Promise<number> => {
    let fastest = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const y = run();
      await y.data();
      y.dispose();
      fastest = Math.min(fastest, (performance.now() - started) / 1000);
    }
    return Math.max(fastest, 1e-6);
  };
  const a = tf.ones([256, 512]);
  const b = tf.ones([512, 512]);
  const x = tf.ones([1 << 22]);
  const image = tf.ones([1, 64, 64, 1]) as tf.Tensor4D;
  try {
    await best(() => tf.matMul(a, b)); // warm-up (kernel compilation, allocation)
    const matrixSeconds = await best(() => tf.matMul(a, b));
    // mul writes 4 M elements and max reads them: two element operations each.
    const elementwise = (2 * (1 << 22)) / (await best(() => tf.tidy(() => tf.max(tf.mul(x, 2)))));
    // 64x64 -> 2048x2048 nearest-neighbour (UpSampling2D's kernel): 4 M elements written, then read by max.
    const resize = (2 * (1 << 22)) / (await best(() => tf.tidy(() => tf.max(tf.image.resizeNearestNeighbor(image, [2048, 2048])))));
    return {
      matrixFlopsPerSecond: (2 * 256 * 512 * 512) / matrixSeconds,
      elementsPerSecond: Math.min(elementwise, resize),
      backend: tf.getBackend(),
    };
  } finally {
    a.dispose();
    b.dispose();
    x.dispose();
    image.dispose();
  }
}
