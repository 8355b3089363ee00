/**
 * Scores a loaded submission on a labelled image set: predictions (./predict.ts) then the
 * pure metrics of lib/scoring. This is what the worker and `holdout score` run.
 */
import * as tf from "@tensorflow/tfjs";
import { classificationReport, type ClassificationReport } from "@/lib/scoring";
import type { LoadedSubmission } from "./load";
import { predictImages, type PredictOptions } from "./predict";
import type { Preprocessing } from "./preprocessing";

export interface LabelledImages {
  /** NHWC bytes. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  shape: [number, number, number];
  numClasses: number;
}

export interface EvaluationResult extends ClassificationReport {
  examplesPerSecond: number;
  /** TF.js backend that ran the model ("wasm", "tensorflow", "cpu", ...). */
  backend: string;
  preprocessing: Preprocessing;
  outputKind: LoadedSubmission["outputKind"];
}

export async function evaluateSubmission(loaded: LoadedSubmission, data: LabelledImages, opts: PredictOptions = {}): Promise<EvaluationResult> {
  if (loaded.numClasses !== data.numClasses) throw new Error(`model outputs ${loaded.numClasses} classes, dataset has ${data.numClasses}`);
  const started = performance.now();
  const predictions = await predictImages(loaded, data.images, data.count, data.shape, opts);
  const seconds = (performance.now() - started) / 1000;
  const kind = loaded.outputKind === "logits" ? "logits" : "probabilities";
  const report = classificationReport(predictions.outputs, predictions.probabilities, data.labels.subarray(0, data.count), data.numClasses, kind);
  return {
    ...report,
    examplesPerSecond: seconds > 0 ? data.count / seconds : 0,
    backend: tf.getBackend(),
    preprocessing: opts.preprocessing ?? loaded.preprocessing,
    outputKind: loaded.outputKind,
  };
}
