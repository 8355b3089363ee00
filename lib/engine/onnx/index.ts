/**
 * Which engine scores a loaded submission: ONNX Runtime (native CPU) when the model exports to
 * ONNX and the runtime loads, else TF.js; and the reason when it is TF.js.
 *
 * - "auto" (default): ONNX Runtime when possible; any obstacle (graph model, a layer the
 *   exporter refuses, the runtime missing or not allowed to load, a first-batch mismatch with
 *   TF.js) falls back to TF.js, and the report says why.
 * - "onnx": the same, except that a runtime that cannot load is the platform's failure (thrown),
 *   not a silent fallback. Models the exporter refuses still run on TF.js.
 * - "tfjs": never ONNX.
 *
 * Before the first batch is trusted, the first examples run on both engines: a mismatch (which
 * would mean an exporter bug) falls back to TF.js instead of publishing a different score.
 */
import * as tf from "@tensorflow/tfjs";
import { exportLayersModel, OnnxExportRefused } from "./export";
import { createOnnxScorer, type OnnxScorer } from "./runtime";

export { exportLayersModel, OnnxExportRefused, tfPads, ONNX_IR_VERSION, ONNX_OPSET } from "./export";
export { createOnnxScorer, loadOnnxRuntime, onnxRuntimeVersion } from "./runtime";
export type { OnnxScorer } from "./runtime";

export type ScoringEngine = "auto" | "onnx" | "tfjs";
export const SCORING_ENGINES: readonly ScoringEngine[] = ["auto", "onnx", "tfjs"];

/** HOLDOUT_SCORING_ENGINE as a value (auto when unset; lib/env.ts refuses a wrong value at start). */
export function scoringEngineFromEnv(source: Record<string, string | undefined> = process.env): ScoringEngine {
  const value = source.HOLDOUT_SCORING_ENGINE?.trim();
  return value === "onnx" || value === "tfjs" ? value : "auto";
}

export class OnnxUnavailableError extends Error {}

export interface ScorerChoice {
  /** ORT's batch runner, or null: score with TF.js. */
  scorer: OnnxScorer | null;
  /** Why TF.js runs (null when ORT runs): "exporter refused layer 'x' (Lambda): ...". */
  fallbackReason: string | null;
  /** Seconds spent exporting and creating the session. */
  setupSeconds: number;
}

export interface ChooseScorerOptions {
  engine?: ScoringEngine;
  threads?: number;
}

interface Scorable {
  kind: "layers" | "graph";
  model: tf.LayersModel | tf.GraphModel;
  inputShape: number[];
  numClasses: number;
  predictBatch(x: tf.Tensor): Promise<tf.Tensor>;
}

/** Examples run on both engines before ORT's scores are trusted. */
const PARITY_PROBE = 16;
/** Largest difference of outputs allowed on the probe, relative to max(1, |output|) (they agree to ~1e-6 in practice). */
const PARITY_TOLERANCE = 1e-4;

export async function chooseScorer(loaded: Scorable, probe: Float32Array, opts: ChooseScorerOptions = {}): Promise<ScorerChoice> {
  const engine = opts.engine ?? "auto";
  const started = performance.now();
  const done = (scorer: OnnxScorer | null, fallbackReason: string | null): ScorerChoice => ({ scorer, fallbackReason, setupSeconds: (performance.now() - started) / 1000 });
  if (engine === "tfjs") return done(null, "HOLDOUT_SCORING_ENGINE=tfjs");
  if (loaded.kind !== "layers") return done(null, "TF.js graph models are not exported to ONNX");

  let exported;
  try {
    exported = exportLayersModel(loaded.model as tf.LayersModel);
  } catch (error) {
    if (error instanceof OnnxExportRefused) return done(null, `exporter refused ${error.message}`);
    return done(null, `export failed: ${(error as Error).message.split("\n")[0]}`);
  }

  let scorer: OnnxScorer;
  try {
    scorer = await createOnnxScorer(exported.bytes, exported.inputShape, exported.inputName, exported.outputName, { threads: opts.threads });
  } catch (error) {
    const message = (error as Error).message.split("\n")[0].slice(0, 300);
    const notLoaded = /not installed|not allowed|did not load/.test(message);
    if (notLoaded && engine === "onnx") throw new OnnxUnavailableError(`ONNX Runtime is required (HOLDOUT_SCORING_ENGINE=onnx) but ${message}`);
    return done(null, notLoaded ? message : `onnxruntime rejected the exported model: ${message}`);
  }

  // The first examples on both engines: any disagreement means TF.js scores this model.
  const perExample = loaded.inputShape.reduce((a, b) => a * b, 1);
  const n = Math.min(PARITY_PROBE, Math.floor(probe.length / perExample));
  if (n > 0) {
    try {
      const ours = await scorer.run(probe, n);
      const x = tf.tensor(probe.subarray(0, n * perExample), [n, ...loaded.inputShape], "float32");
      let reference: Float32Array;
      try {
        const y = await loaded.predictBatch(x);
        reference = (await y.data()) as Float32Array;
        y.dispose();
      } finally {
        x.dispose();
      }
      const worst = maxDifference(ours, reference);
      if (!(worst <= PARITY_TOLERANCE)) {
        await scorer.release();
        return done(null, `onnxruntime disagreed with TF.js on the first ${n} examples (max difference ${worst.toExponential(2)})`);
      }
    } catch (error) {
      await scorer.release().catch(() => {});
      return done(null, `onnxruntime failed on the first batch: ${(error as Error).message.split("\n")[0].slice(0, 200)}`);
    }
  }
  return done(scorer, null);
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= worst)) worst = Number.isNaN(d) ? (Number.isNaN(a[i]) && Number.isNaN(b[i]) ? worst : Infinity) : d;
  }
  return worst;
}

/** "onnxruntime (cpu, 1 thread)". */
export function onnxEngineLabel(threads: number): string {
  return `onnxruntime (cpu, ${threads} thread${threads === 1 ? "" : "s"})`;
}
export { measureOnnxMatMul, type MatMulCeiling } from "./ceiling";
