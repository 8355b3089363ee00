/**
 * A model summary like Keras' `model.summary()`, as plain JSON (for the web page and the
 * database) plus a text renderer (for the CLI and logs).
 *
 * FLOPs per example are estimates: multiply-adds count 2 (Dense, convolutions), bias adds,
 * batch-norm scale+shift, pooling windows and merges count once per element; activation
 * functions, reshapes and dropout are free.
 */
import { z } from "zod";
import type { Shape } from "./keras/config";
import { formatShape, type ModelAnalysis } from "./keras/model";
import type { GraphAnalysis } from "./graph-model";
import { formatCount } from "./errors";

/** One row of the summary; the schema is what a stored report's summary column is parsed with. */
export const summaryLayerSchema = z.object({
  name: z.string(),
  type: z.string(),
  /** Keras style, e.g. "(None, 26, 26, 32)". */
  outputShape: z.string(),
  params: z.number().int().nonnegative(),
  /** 0 for the top model's layers, 1 inside a nested model, ... */
  depth: z.number().int().nonnegative(),
  /** Functional models: names of the layers feeding this one. */
  connectedTo: z.array(z.string()).optional(),
});
export type SummaryLayer = z.output<typeof summaryLayerSchema>;

const shapeSchema = z.array(z.number().int().nullable());

export const modelSummarySchema = z.object({
  name: z.string(),
  format: z.string(),
  kind: z.enum(["sequential", "functional", "graph"]),
  /** Without the batch dimension. */
  inputShape: shapeSchema,
  outputShape: shapeSchema,
  layers: z.array(summaryLayerSchema),
  totalParams: z.number().int().nonnegative(),
  trainableParams: z.number().int().nonnegative(),
  nonTrainableParams: z.number().int().nonnegative(),
  /** Estimated FLOPs per example; null when it could not be estimated. */
  flopsPerExample: z.number().nullable(),
  /** What the model outputs: probabilities (softmax), logits, or other scores. */
  output: z.enum(["probabilities", "logits", "scores"]),
  /** Graph models: count of each TensorFlow op. */
  ops: z.record(z.string(), z.number()).optional(),
});
export type ModelSummary = z.output<typeof modelSummarySchema> & { inputShape: Shape; outputShape: Shape };

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
