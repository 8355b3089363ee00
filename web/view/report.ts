/**
 * Reads the JSON columns of a Report (written by the worker, see lib/evaluation/schemas.ts
 * and lib/models/summary.ts) into typed values for the pages. Anything malformed (an older report,
 * a partial one while training) becomes null or is skipped, so a page never crashes on it.
 */
import { describeTrainingSplit } from "@/lib/evaluation/train-split";
import { epochRecordSchema, misclassifiedExampleSchema, perClassMetricsSchema, splitInfoSchema, type CurveSummary, type EngineReport, type EpochRecord, type MisclassifiedExample, type PerClassMetrics, type SplitMetrics, type TrainingSplit } from "@/lib/evaluation/schemas";
import type { ModelSummary, SummaryLayer } from "@/lib/models/summary";
import { augmentationSchema, describeAugmentation } from "@/lib/models/training-settings";

export type { CurveSummary, EpochRecord, MisclassifiedExample, PerClassMetrics, SplitMetrics, ModelSummary, SummaryLayer };

type Json = unknown;

const isRecord = (value: Json): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const num = (value: Json): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const str = (value: Json): string | null => (typeof value === "string" ? value : null);

/** Each epoch through the report's schema; items that do not parse are skipped. */
export function parseEpochs(value: Json): EpochRecord[] {
  if (!Array.isArray(value)) return [];
  const epochs: EpochRecord[] = [];
  for (const item of value) {
    // Older and history-built records may leave out what they did not measure.
    const parsed = epochRecordSchema.safeParse(isRecord(item) ? { accuracy: null, valLoss: null, valAccuracy: null, seconds: null, ...item } : item);
    if (parsed.success) epochs.push(parsed.data);
  }
  return epochs.sort((a, b) => a.epoch - b.epoch);
}

export function parseCurves(value: Json): CurveSummary | null {
  if (!isRecord(value)) return null;
  const epochs = parseEpochs(value.epochs);
  if (epochs.length === 0) return null;
  const gap = Array.isArray(value.generalizationGap) ? value.generalizationGap.map((g) => num(g)) : epochs.map((e) => (e.valLoss !== null && Number.isFinite(e.loss) ? e.valLoss - e.loss : null));
  return {
    source: value.source === "history" ? "history" : "training",
    epochs,
    bestEpoch: num(value.bestEpoch),
    overfitStartEpoch: num(value.overfitStartEpoch),
    generalizationGap: gap,
    stoppedEarly: value.stoppedEarly === true,
    stopReason: str(value.stopReason),
  };
}

export function parseConfusion(value: Json): number[][] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const rows = value.map((row) => (Array.isArray(row) ? row.map((cell) => num(cell) ?? 0) : null));
  if (rows.some((row) => row === null || row.length !== value.length)) return null;
  return rows as number[][];
}

export function parsePerClass(value: Json): PerClassMetrics[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((item, index) => perClassMetricsSchema.safeParse({ label: String(index), accuracy: 0, precision: 0, recall: 0, support: 0, ...item }).data ?? { label: String(index), accuracy: 0, precision: 0, recall: 0, support: 0 });
}

export interface MetricsView {
  examples: number | null;
  accuracy: number | null;
  loss: number | null;
  ece: number | null;
  perClass: PerClassMetrics[];
  confusion: number[][] | null;
}

export function parseMetrics(value: Json): MetricsView | null {
  if (!isRecord(value) || Object.keys(value).length === 0) return null;
  return {
    examples: num(value.examples),
    accuracy: num(value.accuracy),
    loss: num(value.loss),
    ece: num(value.ece),
    perClass: parsePerClass(value.perClass),
    confusion: parseConfusion(value.confusion),
  };
}

export function parseMisclassified(value: Json): MisclassifiedExample[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = misclassifiedExampleSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

export function parseSummary(value: Json): ModelSummary | null {
  if (!isRecord(value)) return null;
  const layers: SummaryLayer[] = Array.isArray(value.layers)
    ? value.layers.filter(isRecord).map((layer) => ({
        name: str(layer.name) ?? "?",
        type: str(layer.type) ?? "?",
        outputShape: str(layer.outputShape) ?? "?",
        params: num(layer.params) ?? 0,
        depth: num(layer.depth) ?? 0,
        ...(Array.isArray(layer.connectedTo) ? { connectedTo: layer.connectedTo.filter((n): n is string => typeof n === "string") } : {}),
      }))
    : [];
  const shape = (v: Json) => (Array.isArray(v) ? v.map((d) => (typeof d === "number" ? d : null)) : []);
  const kind = value.kind === "functional" || value.kind === "graph" ? value.kind : "sequential";
  const output = value.output === "logits" || value.output === "scores" ? value.output : "probabilities";
  const ops = isRecord(value.ops) ? (Object.fromEntries(Object.entries(value.ops).filter(([, n]) => typeof n === "number")) as Record<string, number>) : undefined;
  return {
    name: str(value.name) ?? "model",
    format: str(value.format) ?? "",
    kind,
    inputShape: shape(value.inputShape) as ModelSummary["inputShape"],
    outputShape: shape(value.outputShape) as ModelSummary["outputShape"],
    layers,
    totalParams: num(value.totalParams) ?? layers.reduce((sum, l) => sum + l.params, 0),
    trainableParams: num(value.trainableParams) ?? 0,
    nonTrainableParams: num(value.nonTrainableParams) ?? 0,
    flopsPerExample: num(value.flopsPerExample),
    output,
    ...(ops ? { ops } : {}),
  };
}

export interface SplitInfoView {
  classNames: string[];
  warnings: string[];
  publicCount: number | null;
  privateCount: number | null;
  /** Definitions: how they were trained ("trained on 54000, validated on 6000 (10%)"). */
  training: TrainingSplit | null;
  trainingText: string | null;
  /** The engine that ran the job and why no faster one did. */
  engine: EngineReport | null;
  engineText: string | null;
}

/** "engine: wasm, 1 thread; tensorflow-gpu skipped (...), tensorflow skipped (...)" */
export function describeEngine(engine: EngineReport): string {
  const threads = engine.threads ? `, ${engine.threads} thread${engine.threads === 1 ? "" : "s"}` : "";
  const skipped = engine.skipped.map((s) => `${s.backend}: ${s.reason}`);
  return `engine: ${engine.backend}${threads}${skipped.length ? `; ${skipped.join("; ")}` : ""}`;
}

export function parseSplitInfo(value: Json): SplitInfoView {
  const record = isRecord(value) ? value : {};
  const strings = (v: Json) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
  const counts = isRecord(record.counts) ? record.counts : record;
  // The schema reads what the worker writes today; older reports keep their counts under `counts`.
  const parsed = splitInfoSchema.safeParse(value);
  const training = parsed.success ? (parsed.data.training ?? null) : null;
  const engine = parsed.success ? (parsed.data.engine ?? null) : null;
  return {
    classNames: parsed.success ? parsed.data.classNames : strings(record.classNames),
    warnings: parsed.success ? parsed.data.warnings : strings(record.warnings),
    publicCount: num(counts.public) ?? num(counts.publicCount),
    privateCount: num(counts.private) ?? num(counts.privateCount),
    training,
    trainingText: training ? describeTrainingSplit(training) : null,
    engine,
    engineText: engine ? describeEngine(engine) : null,
  };
}

/** Class names from the split info, else the per-class labels, else 0..n-1. */
export function classNamesFor(splitInfo: SplitInfoView, metrics: MetricsView | null, count: number): string[] {
  if (splitInfo.classNames.length >= count && count > 0) return splitInfo.classNames;
  const fromMetrics = metrics?.perClass.map((c) => c.label) ?? [];
  if (fromMetrics.length >= count && count > 0) return fromMetrics;
  return Array.from({ length: count }, (_, i) => String(i));
}

export interface ProgressView {
  phase: string | null;
  epoch: number | null;
  totalEpochs: number | null;
  fraction: number | null;
  etaSeconds: number | null;
  message: string | null;
}

export function parseProgress(value: Json): ProgressView {
  const record = isRecord(value) ? value : {};
  return {
    phase: str(record.phase),
    epoch: num(record.epoch),
    totalEpochs: num(record.totalEpochs),
    fraction: num(record.fraction),
    etaSeconds: num(record.etaSeconds),
    message: str(record.message),
  };
}

export interface TrainingSettingsView {
  optimizer: string | null;
  learningRate: number | null;
  batchSize: number | null;
  epochs: number | null;
  validationSplit: number | null;
  earlyStoppingPatience: number | null;
  augmentation: string[];
}

export function parseTrainingSettings(value: Json): TrainingSettingsView | null {
  if (!isRecord(value)) return null;
  // The settings' one schema and its words (lib/models/training-settings.ts); older rows lack newer keys.
  const parsedAugmentation = augmentationSchema.safeParse(isRecord(value.augmentation) ? value.augmentation : {});
  const augmentation = parsedAugmentation.success ? describeAugmentation(parsedAugmentation.data) : [];
  return {
    optimizer: str(value.optimizer),
    learningRate: num(value.learningRate),
    batchSize: num(value.batchSize),
    epochs: num(value.epochs),
    validationSplit: num(value.validationSplit),
    earlyStoppingPatience: num(value.earlyStoppingPatience),
    augmentation,
  };
}
