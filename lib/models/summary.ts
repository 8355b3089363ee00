/**
 * A model summary like Keras' `model.summary()`, as plain JSON (for the web page and the
 * database) plus a text renderer (for the CLI and logs).
 *
 * FLOPs per example are estimates: multiply-adds count 2 (Dense, convolutions), bias adds,
 * batch-norm scale+shift, pooling windows and merges count once per element; activation
 * functions, reshapes and dropout are free.
 */
import type { Shape } from "./keras/config";
import { formatShape, type ModelAnalysis } from "./keras/model";
import type { GraphAnalysis } from "./graph-model";
import { formatCount } from "./errors";

export interface SummaryLayer {
  name: string;
  type: string;
  /** Keras style, e.g. "(None, 26, 26, 32)". */
  outputShape: string;
  params: number;
  /** 0 for the top model's layers, 1 inside a nested model, ... */
  depth: number;
  /** Functional models: names of the layers feeding this one. */
  connectedTo?: string[];
}

export interface ModelSummary {
  name: string;
  format: string;
  kind: "sequential" | "functional" | "graph";
  /** Without the batch dimension. */
  inputShape: Shape;
  outputShape: Shape;
  layers: SummaryLayer[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** Estimated FLOPs per example; null when it could not be estimated. */
  flopsPerExample: number | null;
  /** What the model outputs: probabilities (softmax), logits, or other scores. */
  output: "probabilities" | "logits" | "scores";
  /** Graph models: count of each TensorFlow op. */
  ops?: Record<string, number>;
}

export function summarizeLayersAnalysis(analysis: ModelAnalysis, format: string, output: ModelSummary["output"]): ModelSummary {
  return {
    name: analysis.name,
    format,
    kind: analysis.kind,
    inputShape: analysis.inputShape,
    outputShape: analysis.outputShape.slice(1),
    layers: analysis.layers.map((l) => ({
      name: l.name,
      type: l.className,
      outputShape: formatShape(l.outputShape),
      params: l.params,
      depth: l.depth,
      ...(analysis.kind === "functional" ? { connectedTo: l.inboundLayers } : {}),
    })),
    totalParams: analysis.totalParams,
    trainableParams: analysis.trainableParams,
    nonTrainableParams: analysis.nonTrainableParams,
    flopsPerExample: analysis.flopsPerExample,
    output,
  };
}

export function summarizeGraphAnalysis(analysis: GraphAnalysis, inputShape: Shape, flops: number | null, format: string, output: ModelSummary["output"]): ModelSummary {
  return {
    name: "graph model",
    format,
    kind: "graph",
    inputShape,
    outputShape: analysis.outputShape.slice(1),
    layers: [],
    totalParams: analysis.totalParams,
    // A frozen graph has no notion of trainable; its weights are constants.
    trainableParams: 0,
    nonTrainableParams: analysis.totalParams,
    flopsPerExample: flops,
    output,
    ops: analysis.opCounts,
  };
}

/** Text table in the style of Keras' model.summary(). */
export function renderSummary(summary: ModelSummary): string {
  const lines: string[] = [];
  lines.push(`Model: "${summary.name}" (${summary.format}, ${summary.kind})`);
  const withConnections = summary.kind === "functional";
  const headers = ["Layer (type)", "Output Shape", "Param #", ...(withConnections ? ["Connected to"] : [])];
  const rows = summary.layers.map((l) => [
    `${"  ".repeat(l.depth)}${l.name} (${l.type})`,
    l.outputShape,
    formatCount(l.params),
    ...(withConnections ? [(l.connectedTo ?? []).join(", ") || "-"] : []),
  ]);
  if (rows.length > 0) {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const rule = (ch: string) => widths.map((w) => ch.repeat(w)).join(ch.repeat(3));
    const format = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("   ").trimEnd();
    lines.push(rule("━"), format(headers), rule("━"));
    for (const row of rows) lines.push(format(row));
    lines.push(rule("━"));
  }
  if (summary.ops) {
    const ops = Object.entries(summary.ops)
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `${op} x${n}`)
      .join(", ");
    lines.push(`Ops: ${ops || "none"}`);
  }
  lines.push(`Input shape: ${formatShape([null, ...summary.inputShape])}   Output shape: ${formatShape([null, ...summary.outputShape])} (${summary.output})`);
  lines.push(`Total params: ${formatCount(summary.totalParams)}`);
  lines.push(`Trainable params: ${formatCount(summary.trainableParams)}`);
  lines.push(`Non-trainable params: ${formatCount(summary.nonTrainableParams)}`);
  lines.push(`Estimated FLOPs per example: ${summary.flopsPerExample === null ? "unknown" : formatFlops(summary.flopsPerExample)}`);
  return lines.join("\n");
}

export function formatFlops(flops: number): string {
  if (flops >= 1e9) return `${(flops / 1e9).toFixed(2)} GFLOPs`;
  if (flops >= 1e6) return `${(flops / 1e6).toFixed(2)} MFLOPs`;
  if (flops >= 1e3) return `${(flops / 1e3).toFixed(1)} KFLOPs`;
  return `${flops} FLOPs`;
}
