/**
 * Describing a TF.js graph model: input/output shapes from its signature, parameter count from
 * its weights, the op that produces its output (Softmax -> probabilities), and FLOPs per
 * example estimated from MatMul/Conv2D ops, whose output sizes are measured by running one
 * example through the graph.
 */
import * as tf from "@tensorflow/tfjs";
import { fail } from "./errors";
import type { Shape } from "./keras/config";
import { isPlainObject } from "./json";

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

export interface GraphAnalysis {
  inputName: string;
  /** Declared input shape without the batch dimension (null = any size). */
  declaredInputShape: Shape;
  outputShape: Shape;
  totalParams: number;
  opCounts: Record<string, number>;
  outputActivation: string;
  nodes: GraphNode[];
}

export function analyzeGraphModel(model: tf.GraphModel, topology: unknown, weightSpecs: tf.io.WeightsManifestEntry[]): GraphAnalysis {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    fail("MULTIPLE_INPUTS_OR_OUTPUTS", `The graph model has ${model.inputs.length} input(s) and ${model.outputs.length} output(s); Holdout feeds one image and reads one prediction.`, {
      hint: "Export a model with a single image input and a single class-score output.",
    });
  }
  const input = model.inputs[0];
  if (input.dtype !== "float32") {
    fail("INPUT_INCOMPATIBLE", `The graph model's input "${input.name}" has dtype ${input.dtype}; Holdout feeds float32 images.`, {
      hint: "Export the model with a float32 image input.",
    });
  }
  const nodes = (isPlainObject(topology) && Array.isArray(topology.node) ? topology.node : []) as GraphNode[];
  const opCounts: Record<string, number> = {};
  for (const node of nodes) if (node.op !== "Const" && node.op !== "Placeholder") opCounts[node.op] = (opCounts[node.op] ?? 0) + 1;
  const totalParams = weightSpecs.filter((w) => w.dtype === "float32" || w.dtype === undefined).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
  const toShape = (shape: number[] | undefined): Shape => (shape ?? []).map((d) => (d >= 0 ? d : null));
  return {
    inputName: input.name,
    declaredInputShape: toShape(input.shape).slice(1),
    outputShape: toShape(model.outputs[0].shape),
    totalParams,
    opCounts,
    outputActivation: outputActivation(nodes, model.outputs[0].name),
    nodes,
  };
}

const FUSED_ACTIVATIONS: Record<string, string> = { Relu: "relu", Relu6: "relu6", Elu: "elu", Sigmoid: "sigmoid", Tanh: "tanh", LeakyRelu: "leaky_relu" };

function outputActivation(nodes: GraphNode[], outputName: string): string {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  let node = byName.get(outputName.replace(/:\d+$/, ""));
  for (let hops = 0; node && hops < 20; hops++) {
    switch (node.op) {
      case "Softmax":
        return "softmax";
      case "Identity":
      case "IdentityN":
      case "StopGradient":
      case "Reshape":
      case "Squeeze":
        node = byName.get((node.input?.[0] ?? "").replace(/:\d+$/, ""));
        continue;
      case "_FusedMatMul":
      case "_FusedConv2D": {
        const fused = fusedOps(node);
        const activation = fused.map((op) => FUSED_ACTIVATIONS[op]).find(Boolean);
        return activation ?? "linear";
      }
      case "MatMul":
      case "BiasAdd":
      case "Add":
      case "AddV2":
        return "linear";
      default:
        return FUSED_ACTIVATIONS[node.op] ?? node.op.toLowerCase();
    }
  }
  return "linear";
}

function fusedOps(node: GraphNode): string[] {
  const attr = node.attr?.fused_ops;
  if (isPlainObject(attr) && isPlainObject(attr.list) && Array.isArray(attr.list.s)) {
    return attr.list.s.map((s) => (typeof s === "string" ? decodeBase64(s) : ""));
  }
  return [];
}

function decodeBase64(text: string): string {
  try {
    return Buffer.from(text, "base64").toString("utf8");
  } catch {
    return text;
  }
}

const HEAVY_OPS = new Set(["MatMul", "_FusedMatMul", "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"]);

/**
 * FLOPs for one example: 2 x multiply-adds of every MatMul/convolution, from the weight's
 * shape and the op's output size (measured by running one example). null if unmeasurable.
 */
export function estimateGraphFlops(model: tf.GraphModel, analysis: GraphAnalysis, inputShape: number[], weightSpecs: tf.io.WeightsManifestEntry[]): number | null {
  const heavy = analysis.nodes.filter((n) => HEAVY_OPS.has(n.op));
  if (heavy.length === 0) return 0;
  const weightShapes = new Map(weightSpecs.map((w) => [w.name, w.shape]));
  const x = tf.zeros([1, ...inputShape]);
  try {
    const outputs = model.execute(x, heavy.map((n) => n.name)) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(outputs) ? outputs : [outputs];
    let flops = 0;
    heavy.forEach((node, i) => {
      const kernel = weightShapes.get((node.input?.[1] ?? "").replace(/:\d+$/, ""));
      const outputElements = list[i].size;
      if (!kernel) return;
      if (node.op.includes("MatMul")) flops += 2 * kernel[0] * outputElements;
      else if (node.op.includes("Depthwise")) flops += 2 * kernel[0] * kernel[1] * outputElements;
      else flops += 2 * kernel[0] * kernel[1] * kernel[2] * outputElements;
    });
    tf.dispose(list);
    return flops;
  } catch {
    return null;
  } finally {
    x.dispose();
  }
}
