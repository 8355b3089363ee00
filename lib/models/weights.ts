/**
 * Matching stored weights to the layers of a model, checking them, and copying them in.
 *
 * Each format provides a WeightSource that answers "which arrays did the file store for this
 * layer, in save order?" (by layer name in .h5 files, by class-and-position path in .keras
 * archives, by name suffix in TF.js manifests). Shapes are known before any data is read, so
 * shape checks (and choosing an input shape for models that declare none) cost nothing.
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelValidationError } from "./errors";
import { formatCount } from "./errors";
import type { LayerAnalysis, ModelAnalysis, BuiltTfModel } from "./keras/model";

export interface StoredWeight {
  /** Name as stored (for messages), e.g. "dense_1/kernel:0" or "layers/dense/vars/0". */
  name: string;
  shape: number[];
  /** Reads the values (decoding/copying happens here, once). */
  read(): Float32Array;
}

export interface WeightSource {
  /** The file the weights come from, for messages. */
  fileName: string;
  /** The weights stored for a layer in save order, or null when the file has none for it. */
  forLayer(layer: LayerAnalysis): StoredWeight[] | null;
  /** Stored weights that no layer of the model claimed (reported as a warning). */
  unclaimed?(claimed: Set<StoredWeight>): string[];
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const showShape = (shape: number[]) => `(${shape.join(", ")})`;

/** True when every layer's stored weights have the expected count and shapes (no data read). */
export function weightsFit(analysis: ModelAnalysis, source: WeightSource): boolean {
  for (const layer of analysis.layers) {
    if (layer.isModel || layer.weights.length === 0) continue;
    const stored = source.forLayer(layer);
    if (!stored || stored.length !== layer.weights.length) return false;
    if (!stored.every((w, i) => sameShape(w.shape, layer.weights[i].shape))) return false;
  }
  return true;
}

export interface CheckedWeights {
  /** Values per layer path ("outer/inner"), in the layer's weight order. */
  values: Map<string, Float32Array[]>;
  errors: ModelValidationError[];
  unclaimed: string[];
}

/**
 * Reads and checks all weights: presence, count, shapes, finite values. Every problem is
 * collected (a student fixes them all at once rather than one upload per error).
 */
export function readAndCheckWeights(analysis: ModelAnalysis, source: WeightSource): CheckedWeights {
  const values = new Map<string, Float32Array[]>();
  const errors: ModelValidationError[] = [];
  const claimed = new Set<StoredWeight>();
  const fix = "Upload the weights saved together with this exact model (model.save(...) writes both).";

  for (const layer of analysis.layers) {
    if (layer.isModel || layer.weights.length === 0) continue;
    const location = `layer '${layer.path.join("/")}'`;
    const stored = source.forLayer(layer);
    if (!stored || stored.length === 0) {
      errors.push({
        code: "WEIGHT_MISSING",
        message: `${source.fileName} has no weights for layer '${layer.name}' (${layer.className}), which needs ${layer.weights.length} (${layer.weights.map((w) => `${w.name} ${showShape(w.shape)}`).join(", ")}).`,
        location,
        hint: fix,
      });
      continue;
    }
    stored.forEach((w) => claimed.add(w));
    if (stored.length !== layer.weights.length) {
      errors.push({
        code: "WEIGHT_COUNT_MISMATCH",
        message: `Layer '${layer.name}' (${layer.className}) needs ${layer.weights.length} weight arrays (${layer.weights.map((w) => w.name).join(", ")}) but ${source.fileName} stores ${stored.length} (${stored.map((w) => w.name).join(", ")}).`,
        location,
        hint: fix,
      });
      continue;
    }
    const mismatch = stored.findIndex((w, i) => !sameShape(w.shape, layer.weights[i].shape));
    if (mismatch >= 0) {
      const expected = layer.weights[mismatch];
      errors.push({
        code: "WEIGHT_SHAPE_MISMATCH",
        message: `Layer '${layer.name}' (${layer.className}) expects ${expected.name} of shape ${showShape(expected.shape)}, but ${source.fileName} stores ${stored[mismatch].name} with shape ${showShape(stored[mismatch].shape)}.`,
        location,
        hint: `The architecture and the weights do not belong together (e.g. a different input shape or layer size). ${fix}`,
      });
      continue;
    }
    const arrays = stored.map((w) => w.read());
    arrays.forEach((data, i) => {
      const bad = countNonFinite(data);
      if (bad > 0) {
        errors.push({
          code: "WEIGHT_NOT_FINITE",
          message: `Weight ${layer.weights[i].name} of layer '${layer.name}' contains ${formatCount(bad)} NaN or infinite value(s) out of ${formatCount(data.length)}: training diverged.`,
          location,
          hint: "Lower the learning rate (or normalize the input) and train again; check that the training loss stays finite.",
        });
      }
    });
    values.set(layer.path.join("/"), arrays);
  }
  return { values, errors, unclaimed: source.unclaimed ? source.unclaimed(claimed) : [] };
}

function countNonFinite(data: Float32Array): number {
  let bad = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) bad++;
  return bad;
}

/** Copies checked weights into the built TF.js model. */
export function assignWeights(built: BuiltTfModel, analysis: ModelAnalysis, values: Map<string, Float32Array[]>): void {
  for (const layer of analysis.layers) {
    if (layer.isModel || layer.weights.length === 0) continue;
    const key = layer.path.join("/");
    const target = built.layersByPath.get(key);
    const arrays = values.get(key);
    if (!target || !arrays) throw new Error(`internal: no TF.js layer or weights for '${key}'`);
    const variables = target.weights;
    if (variables.length !== arrays.length) {
      throw new Error(`internal: TF.js layer '${key}' has ${variables.length} weights, analysis expected ${arrays.length}`);
    }
    const tensors = arrays.map((data, i) => {
      if (!sameShape(variables[i].shape as number[], layer.weights[i].shape)) {
        throw new Error(`internal: TF.js weight ${variables[i].name} has shape ${variables[i].shape}, analysis expected ${layer.weights[i].shape}`);
      }
      return tf.tensor(data, layer.weights[i].shape, "float32");
    });
    try {
      target.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  }
}
