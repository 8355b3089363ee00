/**
 * The definition track: students submit an architecture (no weights) and training settings;
 * Holdout trains it. Accepted: Keras `model.to_json()` output, a Keras 3 config.json, or any
 * model file whose weights are ignored (.keras, .h5, TF.js layers model.json).
 */
import type * as tf from "@tensorflow/tfjs";
import { WarningList, type ModelValidationWarning } from "./errors";
import { resolveDatasetShape, type DatasetShape } from "./datasets";
import type { SubmissionFile } from "./files";
import { decodeUtf8, parseJsonSafely } from "./json";
import { parseKerasModelConfig } from "./keras/config";
import { analyzeModel, buildTfModel } from "./keras/model";
import { registerHoldoutLayers } from "./layers";
import { DEFAULT_LIMITS } from "./limits";
import { loadSubmissionModel, type LoadSubmissionOptions } from "./load";
import type { ModelSummary } from "./summary";
import { fail } from "./errors";

export interface BuildArchitectureOptions {
  /** Fills in an input shape the architecture does not declare (and unknown sizes). */
  dataset?: string | DatasetShape;
  /** Collects warnings (ignored settings, inactive layers, ...). */
  warnings?: ModelValidationWarning[];
}

/**
 * Builds an uncompiled tf.LayersModel from a Keras architecture: a JSON string, bytes, or the
 * parsed object (`model.to_json()`, config.json, or model.json's modelTopology).
 * Throws a SubmissionError for architectures Holdout cannot build.
 */
export function buildModelFromArchitecture(json: unknown, opts: BuildArchitectureOptions = {}): tf.LayersModel {
  registerHoldoutLayers();
  const warnings = new WarningList();
  const parsed =
    typeof json === "string" || json instanceof Uint8Array
      ? parseJsonSafely(typeof json === "string" ? json : decodeUtf8(json, "architecture"), { where: "architecture JSON", maxDepth: DEFAULT_LIMITS.maxJsonDepth })
      : json;
  const spec = parseKerasModelConfig(parsed, "architecture JSON");
  let inputShape = spec.declaredInputShape;
  if (!inputShape || inputShape.some((d) => d === null)) {
    if (!opts.dataset) {
      fail("NO_INPUT_SHAPE", `Model '${spec.name}' declares no complete input shape.`, { hint: "Declare the input, e.g. keras.Input(shape=(28, 28, 1)), or pass the dataset." });
    }
    const [h, w, c] = resolveDatasetShape(opts.dataset).shape;
    const defaults = !inputShape || inputShape.length === 3 ? [h, w, c] : inputShape.length === 2 ? [h, w] : [h * w * c];
    inputShape = (inputShape ?? defaults).map((d, i) => d ?? defaults[i]);
  }
  const ctx = { warnings };
  // The analysis validates shapes and options before any weight is allocated.
  analyzeModel(spec, inputShape as number[], ctx);
  const { model } = buildTfModel(spec, inputShape as number[], ctx);
  opts.warnings?.push(...warnings.items);
  return model;
}

export interface ArchitectureSubmission {
  model: tf.LayersModel;
  summary: ModelSummary;
  warnings: ModelValidationWarning[];
}

/**
 * Reads an architecture from uploaded files (any supported format; weights ignored), with the
 * same validation as scored submissions (limits, dataset compatibility). The model is freshly
 * initialized and uncompiled.
 */
export async function loadArchitectureSubmission(files: SubmissionFile[], opts: Omit<LoadSubmissionOptions, "track"> = {}): Promise<ArchitectureSubmission> {
  const loaded = await loadSubmissionModel(files, { ...opts, track: "architecture" });
  return { model: loaded.model as tf.LayersModel, summary: loaded.summary, warnings: loaded.warnings };
}
