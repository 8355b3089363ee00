/**
 * Walks a ModelSpec's graph, either with shapes (analyzeModel: output shapes, weight shapes,
 * parameters and FLOPs, before anything is allocated) or with TF.js symbolic tensors
 * (buildTfModel: the real tf.LayersModel). Both use the same walker, so the analysis
 * describes exactly the model that gets built.
 */
import * as tf from "@tensorflow/tfjs";
import { fail, SubmissionError } from "@/lib/models/errors";
import type { LayerSpec, ModelSpec, Shape, TensorRef } from "./spec";
import { createTfLayer, layerActivation, layerFlops, layerWeightSpecs, type TranslateContext, type WeightSpec } from "./layers";

export interface LayerAnalysis {
  /** Config names from the top model down to this layer, e.g. ["sequential_1", "dense"] for a nested one. */
  path: string[];
  name: string;
  className: string;
  /** Nesting depth: 0 for the top model's own layers. */
  depth: number;
  /** Where Keras 3 (.keras) stores this layer's variables: "layers/<class_snake>[_n]", nested under its model's path. */
  archivePath: string;
  /** Output shape of the first call, batch dimension first (null). */
  outputShape: Shape | Shape[];
  /** Names of the layers feeding this one (functional models). */
  inboundLayers: string[];
  /** Expected weights in save order. Empty for nested-model rows (their layers have them). */
  weights: WeightSpec[];
  params: number;
  trainableParams: number;
  /** FLOPs per example (multiply-adds count 2). Nested-model rows: their layers' total. */
  flops: number;
  isModel: boolean;
}

export interface ModelAnalysis {
  name: string;
  kind: "sequential" | "functional";
  /** Without the batch dimension. */
  inputShape: number[];
  outputShape: Shape;
  /** Every layer, nested ones included (after their model's row), in graph order. */
  layers: LayerAnalysis[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  flopsPerExample: number;
  /** The activation applied last ("softmax" -> probabilities, "linear" -> logits). */
  outputActivation: string;
  /** Rescaling layers anywhere in the model (they mean "feed me raw pixels"). */
  rescalingLayers: Array<{ name: string; scale: number; offset: number }>;
}

// ---------------------------------------------------------------------------------------------
// The walker

const refKey = (ref: TensorRef) => `${ref.layer}\u0000${ref.node}\u0000${ref.tensor}`;

/**
 * Calls `apply` for every layer call in dependency order and returns the model's outputs.
 * Sequential: each layer takes the previous one's output. Functional: follows inbound nodes.
 */
function walkGraph<T>(spec: ModelSpec, inputs: T[], apply: (layer: LayerSpec, inputs: T[], call: number) => T[]): T[] {
  if (spec.kind === "sequential") {
    let current = inputs;
    for (const layer of spec.layers) {
      if (layer.className === "InputLayer") continue;
      current = apply(layer, current, 0);
      if (current.length !== 1) fail("MULTIPLE_INPUTS_OR_OUTPUTS", `Layer '${layer.name}' in Sequential model '${spec.name}' has several outputs.`, { location: `layer '${layer.name}'` });
    }
    return current;
  }

  const available = new Map<string, T>();
  spec.inputs.forEach((ref, i) => available.set(refKey(ref), inputs[i]));
  const offsets = nestedModelNodeOffsets(spec);
  const pending: Array<{ layer: LayerSpec; call: number }> = [];
  for (const layer of spec.layers) {
    if (layer.className === "InputLayer") continue;
    layer.calls.forEach((_refs, call) => pending.push({ layer, call }));
  }
  while (pending.length > 0) {
    let progressed = false;
    for (let i = 0; i < pending.length; i++) {
      const { layer, call } = pending[i];
      const refs = layer.calls[call];
      if (!refs.every((ref) => available.has(refKey(ref)))) continue;
      const outputs = apply(layer, refs.map((ref) => available.get(refKey(ref))!), call);
      const node = call + (offsets.get(layer.name) ?? 0);
      outputs.forEach((output, tensor) => available.set(refKey({ layer: layer.name, node, tensor }), output));
      pending.splice(i, 1);
      i--;
      progressed = true;
    }
    if (!progressed) {
      const { layer, call } = pending[0];
      const missing = layer.calls[call].find((ref) => !available.has(refKey(ref)))!;
      fail("BROKEN_GRAPH", `Layer '${layer.name}' takes its input from '${missing.layer}' (node ${missing.node}), which the model never computes.`, {
        location: `model '${spec.name}'`,
        hint: "The model config is inconsistent; save the model again with model.save().",
      });
    }
  }
  return spec.outputs.map((ref) => {
    const value = available.get(refKey(ref));
    if (value === undefined) {
      fail("BROKEN_GRAPH", `Model '${spec.name}' outputs '${ref.layer}', which it never computes.`, { location: `model '${spec.name}'` });
    }
    return value;
  });
}

/**
 * A nested model built on an Input already owns one node (its own graph), which Keras leaves
 * out of the config: references to the nested model's first call then say node 1, not 0
 * (Keras 2 for nested Sequential and functional models, Keras 3 for functional ones). Rather
 * than guess from the Keras version, the offset is read from the references themselves.
 */
function nestedModelNodeOffsets(spec: ModelSpec): Map<string, number> {
  const offsets = new Map<string, number>();
  const refs = [...spec.layers.flatMap((l) => l.calls.flat()), ...spec.outputs];
  for (const layer of spec.layers) {
    if (!layer.model) continue;
    const highest = Math.max(-1, ...refs.filter((r) => r.layer === layer.name).map((r) => r.node));
    if (highest >= layer.calls.length) offsets.set(layer.name, 1);
  }
  return offsets;
}

function checkSingleInputOutput(spec: ModelSpec): void {
  if (spec.kind === "functional" && (spec.inputs.length !== 1 || spec.outputs.length !== 1)) {
    fail(
      "MULTIPLE_INPUTS_OR_OUTPUTS",
      `Model '${spec.name}' has ${spec.inputs.length} input(s) and ${spec.outputs.length} output(s); Holdout feeds one image and reads one prediction.`,
      { location: `model '${spec.name}'`, hint: "Submit a model with a single image input and a single class-score output." },
    );
  }
}

/** Keras' naming.to_snake_case, used for variable paths in .keras archives. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * Keras 3 addresses each layer's variables by class name and position among the model's
 * layers ("conv2d", "conv2d_1", ...), never by the layer's own name (which may differ).
 */
function archiveNames(spec: ModelSpec): Map<LayerSpec, string> {
  const used = new Map<string, number>();
  const names = new Map<LayerSpec, string>();
  for (const layer of spec.layers) {
    if (layer.className === "InputLayer") continue;
    const base = toSnakeCase(layer.className);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    names.set(layer, count === undefined ? base : `${base}_${count + 1}`);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Static analysis

interface StaticTensor {
  shape: Shape;
  /** Last activation applied to these values (pass-through layers keep their input's). */
  activation: string;
}

export function analyzeModel(spec: ModelSpec, inputShape: number[], ctx: TranslateContext, maxLayers = Infinity): ModelAnalysis {
  checkSingleInputOutput(spec);
  const layers: LayerAnalysis[] = [];
  const rescalingLayers: ModelAnalysis["rescalingLayers"] = [];
  const outputs = analyzeInto(spec, [{ shape: [null, ...inputShape], activation: "linear" }], [], "", 0, ctx, layers, rescalingLayers, maxLayers);
  if (spec.kind === "functional") {
    const inputLayer = spec.layers.find((l) => l.name === spec.inputs[0].layer);
    layers.unshift({
      path: [inputLayer?.name ?? "input"],
      name: inputLayer?.name ?? "input",
      className: "InputLayer",
      depth: 0,
      archivePath: "",
      outputShape: [null, ...inputShape],
      inboundLayers: [],
      weights: [],
      params: 0,
      trainableParams: 0,
      flops: 0,
      isModel: false,
    });
  }
  const top = layers.filter((l) => l.depth === 0);
  const totalParams = top.reduce((a, l) => a + l.params, 0);
  const trainableParams = top.reduce((a, l) => a + l.trainableParams, 0);
  return {
    name: spec.name,
    kind: spec.kind,
    inputShape,
    outputShape: outputs[0].shape,
    layers,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    flopsPerExample: top.reduce((a, l) => a + l.flops, 0),
    outputActivation: outputs[0].activation,
    rescalingLayers,
  };
}

function analyzeInto(
  spec: ModelSpec,
  inputs: StaticTensor[],
  parentPath: string[],
  parentArchivePath: string,
  depth: number,
  ctx: TranslateContext,
  out: LayerAnalysis[],
  rescalingLayers: ModelAnalysis["rescalingLayers"],
  maxLayers: number,
): StaticTensor[] {
  const names = archiveNames(spec);
  const seen = new Set<LayerSpec>();
  const tfLayers = new Map<LayerSpec, tf.layers.Layer>();
  return walkGraph(spec, inputs, (layer, layerInputs, call) => {
    const path = [...parentPath, layer.name];
    const archivePath = `${parentArchivePath}layers/${names.get(layer)}`;
    const inputShapes = layerInputs.map((t) => t.shape);
    if (out.length >= maxLayers) {
      fail("TOO_MANY_PARAMS", `The model has more than ${maxLayers} layers.`, { hint: "Submit a smaller model." });
    }

    if (layer.model) {
      checkSingleInputOutput(layer.model);
      const row: LayerAnalysis = {
        path,
        name: layer.name,
        className: layer.className,
        depth,
        archivePath,
        outputShape: [],
        inboundLayers: inboundNames(layer, call),
        weights: [],
        params: 0,
        trainableParams: 0,
        flops: 0,
        isModel: true,
      };
      const firstCall = !seen.has(layer);
      seen.add(layer);
      if (firstCall) out.push(row);
      const start = out.length;
      const innerOut = firstCall ? out : [];
      const results = analyzeInto(layer.model, layerInputs, path, `${archivePath}/`, depth + 1, ctx, innerOut, rescalingLayers, maxLayers);
      if (firstCall) {
        const inner = out.slice(start).filter((l) => l.depth === depth + 1);
        row.params = inner.reduce((a, l) => a + l.params, 0);
        row.trainableParams = layer.config.trainable === false ? 0 : inner.reduce((a, l) => a + l.trainableParams, 0);
        row.flops = inner.reduce((a, l) => a + l.flops, 0);
        row.outputShape = results[0].shape;
        if (layer.config.trainable === false) for (const l of out.slice(start)) l.trainableParams = 0;
      }
      return results;
    }

    let tfLayer = tfLayers.get(layer);
    if (!tfLayer) {
      tfLayer = createTfLayer(layer, ctx);
      tfLayers.set(layer, tfLayer);
    }
    let outputShape: Shape;
    try {
      const computed = tfLayer.computeOutputShape(inputShapes.length === 1 ? inputShapes[0] : inputShapes);
      outputShape = (Array.isArray(computed[0]) ? computed[0] : computed) as Shape;
    } catch (error) {
      fail("BUILD_FAILED", `Layer '${layer.name}' (${layer.className}) cannot take input of shape ${inputShapes.map(formatShape).join(" and ")}: ${error instanceof Error ? error.message : String(error)}`, {
        location: `layer '${layer.name}'`,
        hint: "Check the model's input shape and the layer's settings.",
      });
    }

    if (!seen.has(layer)) {
      seen.add(layer);
      const weights = layerWeightSpecs(layer, inputShapes[0], ctx);
      const params = weights.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
      const trainableParams = weights.filter((w) => w.trainable).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
      out.push({
        path,
        name: layer.name,
        className: layer.className,
        depth,
        archivePath,
        outputShape,
        inboundLayers: inboundNames(layer, call),
        weights,
        params,
        trainableParams,
        flops: layerFlops(layer, inputShapes, outputShape, ctx),
        isModel: false,
      });
      if (layer.className === "Rescaling") {
        rescalingLayers.push({ name: layer.name, scale: Number(layer.config.scale ?? 1), offset: Number(layer.config.offset ?? 0) });
      }
    }
    const activation = layerActivation(layer, ctx) ?? layerInputs[0].activation;
    return [{ shape: outputShape, activation }];
  });
}

function inboundNames(layer: LayerSpec, call: number): string[] {
  return (layer.calls[call] ?? []).map((ref) => ref.layer);
}

export function formatShape(shape: Shape | Shape[]): string {
  if (shape.length > 0 && Array.isArray(shape[0])) return (shape as Shape[]).map(formatShape).join(", ");
  return `(${(shape as Shape).map((d) => (d === null ? "None" : String(d))).join(", ")})`;
}

// ---------------------------------------------------------------------------------------------
// Building the TF.js model

export interface BuiltTfModel {
  model: tf.LayersModel;
  /** Leaf TF.js layers by their config path joined with "/". */
  layersByPath: Map<string, tf.layers.Layer>;
}

/** Builds the real model (weights initialized by the layers' initializers). */
export function buildTfModel(spec: ModelSpec, inputShape: number[], ctx: TranslateContext): BuiltTfModel {
  const layersByPath = new Map<string, tf.layers.Layer>();
  const created: tf.layers.Layer[] = [];
  try {
    const model = buildContainer(spec, inputShape, [], ctx, layersByPath, created);
    return { model, layersByPath };
  } catch (error) {
    // Free the weights of the layers built before the failure.
    for (const layer of created) {
      try {
        for (const weight of layer.weights) weight.dispose();
      } catch {
        // already disposed
      }
    }
    if (error instanceof SubmissionError) throw error;
    fail("BUILD_FAILED", `The model cannot be built: ${error instanceof Error ? error.message : String(error)}`, {
      hint: "Check the model's input shape and layer settings.",
    });
  }
}

function buildContainer(
  spec: ModelSpec,
  inputShape: number[] | Shape,
  parentPath: string[],
  ctx: TranslateContext,
  layersByPath: Map<string, tf.layers.Layer>,
  created: tf.layers.Layer[],
): tf.LayersModel {
  checkSingleInputOutput(spec);
  const inputName = spec.kind === "functional" ? spec.inputs[0].layer : `${spec.name}_input`;
  const input = tf.input({ shape: inputShape.map((d) => d ?? null) as number[], name: inputName });
  const objects = new Map<LayerSpec, tf.layers.Layer>();
  const outputs = walkGraph(spec, [input], (layer, inputs) => {
    let object = objects.get(layer);
    if (!object) {
      const path = [...parentPath, layer.name];
      object = layer.model
        ? buildContainer(layer.model, inputs[0].shape.slice(1), path, ctx, layersByPath, created)
        : createTfLayer(layer, ctx);
      if (!layer.model) {
        layersByPath.set(path.join("/"), object);
        created.push(object);
      }
      if (layer.model && layer.config.trainable === false) object.trainable = false;
      objects.set(layer, object);
    }
    const result = object.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
    return Array.isArray(result) ? result : [result];
  });
  return tf.model({ inputs: input, outputs: outputs[0], name: spec.name });
}
