/**
 * Reads a Keras model config (what `model.to_json()`, `config.json` in a .keras archive, the
 * `model_config` attribute of an .h5 file, or `modelTopology` in a TF.js model.json hold) into
 * one normalized ModelSpec, whichever dialect wrote it:
 *
 * - Keras 2 / tf.keras / TF.js: `{class_name, config}`, `batch_input_shape`, inbound nodes as
 *   `[[["layer", node, tensor, {kwargs}], ...]]`.
 * - Keras 3: `module` / `registered_name` / `build_config` keys, `batch_shape`, DTypePolicy
 *   objects for dtype, inbound nodes as `{args: [{class_name: "__keras_tensor__", config:
 *   {keras_history: [layer, node, tensor]}}], kwargs}`.
 *
 * Only the structure is read here; layer options are translated in ./layers.ts. Layers that
 * cannot run (Lambda, custom Python classes, unknown types) are all reported at once.
 */
import { SubmissionError, type ModelValidationError } from "@/lib/models/errors";
import { isPlainObject } from "@/lib/models/json";
import { canonicalLayerClass, SUPPORTED_LAYER_CLASSES } from "./layers";

export type { LayerSpec, ModelSpec, Shape, TensorRef } from "./spec";
import type { LayerSpec, ModelSpec, Shape, TensorRef } from "./spec";

const MODEL_CLASSES = new Set(["Sequential", "Functional", "Model"]);

/**
 * Parses a Keras model config. Accepts the bare `{class_name, config}` object or wrappers
 * around it (`{model_config: ...}` as tensorflowjs_converter writes into model.json).
 */
export function parseKerasModelConfig(json: unknown, where: string): ModelSpec {
  const problems: ModelValidationError[] = [];
  const root = unwrapModelConfig(json);
  if (!root) {
    throw new SubmissionError({
      code: "MALFORMED_CONFIG",
      message: `${where} does not describe a Keras model (expected an object with "class_name" and "config").`,
      location: where,
      hint: "Upload what model.to_json() or model.save() wrote, unchanged.",
    });
  }
  const className = String(root.class_name);
  if (!MODEL_CLASSES.has(className)) {
    throw new SubmissionError({
      code: isPlainObject(root.config) && Array.isArray(root.config.layers) ? "CUSTOM_LAYER" : "MALFORMED_CONFIG",
      message: `${where} describes a "${className}", not a Sequential or functional Keras model. Subclassed models (class MyModel(keras.Model)) contain Python code, which Holdout cannot run.`,
      location: where,
      hint: "Build the model with keras.Sequential([...]) or the functional API (keras.Model(inputs, outputs)) and save again.",
    });
  }
  const spec = parseModel(root, where, problems);
  if (problems.length > 0) throw new SubmissionError(problems);
  return spec;
}

/** Finds the `{class_name, config}` object inside the accepted wrappers. */
export function unwrapModelConfig(json: unknown): Record<string, unknown> | null {
  let current = json;
  for (let i = 0; i < 3 && isPlainObject(current); i++) {
    if (typeof current.class_name === "string" && "config" in current) return current;
    current = current.model_config ?? current.modelTopology ?? current.config;
  }
  return null;
}

function parseModel(entry: Record<string, unknown>, where: string, problems: ModelValidationError[]): ModelSpec {
  const className = String(entry.class_name);
  const rawConfig = entry.config;
  // Keras <= 2.1 wrote a Sequential's config as the bare list of layers.
  const config: Record<string, unknown> = Array.isArray(rawConfig) ? { layers: rawConfig } : isPlainObject(rawConfig) ? rawConfig : {};
  const name = typeof config.name === "string" ? config.name : typeof entry.name === "string" ? entry.name : className.toLowerCase();
  const modelWhere = `${where} > model '${name}'`;
  if (!Array.isArray(config.layers)) {
    problems.push({ code: "MALFORMED_CONFIG", message: `Model '${name}' has no "layers" list.`, location: modelWhere });
    return { kind: "sequential", name, layers: [], inputs: [], outputs: [], declaredInputShape: null };
  }
  const layers: LayerSpec[] = [];
  for (const [index, layerEntry] of config.layers.entries()) {
    const layer = parseLayer(layerEntry, `${modelWhere} > layers[${index}]`, problems);
    if (layer) layers.push(layer);
  }
  if (className === "Sequential") {
    return { kind: "sequential", name, layers, inputs: [], outputs: [], declaredInputShape: sequentialInputShape(entry, config, layers) };
  }
  const inputs = parseTensorList(config.input_layers);
  const outputs = parseTensorList(config.output_layers);
  if (inputs.length === 0 || outputs.length === 0) {
    problems.push({ code: "MALFORMED_CONFIG", message: `Functional model '${name}' lists no ${inputs.length === 0 ? "inputs" : "outputs"}.`, location: modelWhere });
  }
  const firstInput = layers.find((l) => l.name === inputs[0]?.layer);
  return { kind: "functional", name, layers, inputs, outputs, declaredInputShape: firstInput ? batchShapeOf(firstInput.config) : null };
}

function parseLayer(entry: unknown, where: string, problems: ModelValidationError[]): LayerSpec | null {
  if (!isPlainObject(entry) || typeof entry.class_name !== "string") {
    problems.push({ code: "MALFORMED_CONFIG", message: `A layer entry has no "class_name".`, location: where });
    return null;
  }
  const rawClass = entry.class_name;
  const config = isPlainObject(entry.config) ? entry.config : {};
  const name = typeof config.name === "string" ? config.name : typeof entry.name === "string" ? entry.name : rawClass;
  const calls = parseInboundNodes(entry.inbound_nodes);
  const layerWhere = `layer '${name}'`;

  if (MODEL_CLASSES.has(rawClass)) {
    const model = parseModel(entry, where, problems);
    return { className: rawClass === "Sequential" ? "Sequential" : "Functional", name, config, calls, model };
  }
  if (rawClass === "Lambda") {
    problems.push({
      code: "LAMBDA_LAYER",
      message: `Layer '${name}' is a Lambda layer: it contains Python code, which Holdout cannot run.`,
      hint: "Replace it with built-in layers (e.g. Rescaling for x / 255, Reshape, Activation) and save again.",
      location: layerWhere,
    });
    return null;
  }
  if (rawClass === "TFOpLambda" || rawClass === "SlicingOpLambda") {
    problems.push({
      code: "TF_OP_LAYER",
      message: `Layer '${name}' is a TensorFlow operation applied directly to a Keras tensor (e.g. x / 255 or tf.reshape inside the model), saved as ${rawClass}: Holdout cannot run it.`,
      hint: "Use Keras layers instead (Rescaling(1/255), Reshape, Add, ...) and save again.",
      location: layerWhere,
    });
    return null;
  }
  const className = canonicalLayerClass(rawClass);
  const registered = typeof entry.registered_name === "string" ? entry.registered_name : null;
  const module = typeof entry.module === "string" ? entry.module : null;
  const isCustom = (registered !== null && registered !== rawClass && !registered.startsWith("keras")) || (module !== null && !module.startsWith("keras"));
  if (isCustom || !className) {
    problems.push(
      isCustom
        ? {
            code: "CUSTOM_LAYER",
            message: `Layer '${name}' is a custom layer class (${registered ?? rawClass}${module ? ` from ${module}` : ""}): it contains Python code, which Holdout cannot run.`,
            hint: "Rebuild the model from built-in Keras layers and save again.",
            location: layerWhere,
          }
        : {
            code: "UNSUPPORTED_LAYER",
            message: `Layer '${name}' has type ${rawClass}, which Holdout does not support.`,
            hint: `Supported layer types: ${SUPPORTED_LAYER_CLASSES.join(", ")}.`,
            location: layerWhere,
          },
    );
    return null;
  }
  return { className, name, config, calls };
}

/** Keras 2 nested lists or Keras 3 `{args, kwargs}` objects -> one list of inputs per call. */
function parseInboundNodes(nodes: unknown): TensorRef[][] {
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node) => {
    if (isPlainObject(node)) return collectKerasTensors(node.args);
    if (Array.isArray(node)) return node.map(parseKeras2Ref).filter((r): r is TensorRef => r !== null);
    return [];
  });
}

function parseKeras2Ref(item: unknown): TensorRef | null {
  if (!Array.isArray(item) || typeof item[0] !== "string") return null;
  return { layer: item[0], node: Number(item[1] ?? 0), tensor: Number(item[2] ?? 0) };
}

/** Keras 3 node args: keras tensors, possibly inside lists (merge layers take a list). */
function collectKerasTensors(value: unknown, out: TensorRef[] = []): TensorRef[] {
  if (Array.isArray(value)) {
    for (const item of value) collectKerasTensors(item, out);
  } else if (isPlainObject(value) && value.class_name === "__keras_tensor__" && isPlainObject(value.config)) {
    const history = value.config.keras_history;
    if (Array.isArray(history) && typeof history[0] === "string") {
      out.push({ layer: history[0], node: Number(history[1] ?? 0), tensor: Number(history[2] ?? 0) });
    }
  }
  return out;
}

/** `[["in", 0, 0], ...]` or Keras 3's bare `["in", 0, 0]` for a single tensor. */
function parseTensorList(value: unknown): TensorRef[] {
  if (!Array.isArray(value)) return [];
  if (typeof value[0] === "string") {
    const ref = parseKeras2Ref(value);
    return ref ? [ref] : [];
  }
  return value.map(parseKeras2Ref).filter((r): r is TensorRef => r !== null);
}

/** Declared shape of a layer's input, without the batch dimension. */
export function batchShapeOf(config: Record<string, unknown>): Shape | null {
  const batch = config.batch_shape ?? config.batch_input_shape;
  if (Array.isArray(batch) && batch.length >= 2) return batch.slice(1).map(toDim);
  const shape = config.input_shape ?? config.shape;
  if (Array.isArray(shape) && shape.length >= 1) return shape.map(toDim);
  return null;
}

function toDim(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : null;
}

function sequentialInputShape(entry: Record<string, unknown>, config: Record<string, unknown>, layers: LayerSpec[]): Shape | null {
  const first = layers[0];
  if (first) {
    const declared = first.model ? first.model.declaredInputShape : batchShapeOf(first.config);
    if (declared) return declared;
  }
  // A built Sequential records the shape it was built with (Keras 2.x and 3).
  const built = config.build_input_shape ?? (isPlainObject(entry.build_config) ? entry.build_config.input_shape : undefined);
  if (Array.isArray(built) && built.length >= 2 && !Array.isArray(built[0])) return built.slice(1).map(toDim);
  return null;
}
