/** Every JSON column of a report goes through its schema on write and comes back equal on read. */
import { describe, expect, it } from "vitest";
import { evaluationResultSchema, readReport, readReportColumn, reportColumn, reportColumnsOf, type EvaluationResult } from "@/lib/evaluation";

const perClass = [
  { label: "cat", accuracy: 0.5, precision: 1, recall: 0.5, support: 2 },
  { label: "dog", accuracy: 1, precision: 0.5, recall: 1, support: 1 },
];
const split = { examples: 3, accuracy: 2 / 3, loss: 0.7, ece: 0.1, confusion: [[1, 1], [0, 1]], perClass };
const result: EvaluationResult = evaluationResultSchema.parse({
  backend: "wasm",
  examplesPerSecond: 1000,
  format: "Keras .keras archive",
  outputKind: "probabilities",
  summary: { name: "m", format: "keras", kind: "sequential", inputShape: [28, 28, 1], outputShape: [2], layers: [{ name: "d", type: "Dense", outputShape: "(None, 2)", params: 10, depth: 0 }], totalParams: 10, trainableParams: 10, nonTrainableParams: 0, flopsPerExample: 20, output: "probabilities" },
  overall: split,
  public: split,
  private: { ...split, loss: Number.NaN },
  misclassified: [{ index: 4, predicted: 1, actual: 0, confidence: 0.9 }],
  curves: {
    source: "training",
    epochs: [
      { epoch: 1, loss: 0.9, accuracy: 0.6, valLoss: 0.8, valAccuracy: 0.65, seconds: 2 },
      { epoch: 2, loss: 0.7, accuracy: 0.7, valLoss: null, valAccuracy: null, seconds: 1, partial: true },
    ],
    bestEpoch: 1,
    overfitStartEpoch: null,
    generalizationGap: [-0.1, null],
    stoppedEarly: true,
    stopReason: "time budget (60 s) reached during epoch 2",
  },
  splitInfo: {
    seed: 7,
    publicFraction: 0.3,
    algorithm: "stratified",
    publicCount: 3,
    privateCount: 7,
    preprocessing: "raw",
    classNames: ["cat", "dog"],
    warnings: [],
    training: { trainCount: 54000, validationCount: 6000, validationSplit: 0.1, leftOut: 0, seed: 7 },
    engine: { backend: "wasm", device: "cpu", threads: 1, skipped: [{ backend: "tensorflow", reason: "@tensorflow/tfjs-node is not installed" }] },
  },
  classNames: ["cat", "dog"],
  warnings: [],
});

/** What Postgres gives back: the JSON text parsed again. */
const stored = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("report columns", () => {
  it("round-trip through their schemas (NaN stored as null, read back as NaN)", () => {
    const columns = reportColumnsOf(result);
    const report = readReport({ backend: result.backend, examplesPerSecond: result.examplesPerSecond, ...stored(columns) });
    expect(report.metrics).toEqual(result.public);
    expect(report.privateMetrics?.loss).toBeNaN();
    expect({ ...report.privateMetrics, loss: 0 }).toEqual({ ...result.private, loss: 0 });
    expect(report.curves).toEqual(result.curves);
    expect(report.curves?.epochs[1].partial).toBe(true);
    expect(report.summary).toEqual(result.summary);
    expect(report.confusion).toEqual(result.public.confusion);
    expect(report.misclassified).toEqual(result.misclassified);
    expect(report.splitInfo).toEqual(result.splitInfo);
    expect(report.splitInfo.preprocessing).toBe("raw");
  });

  it("refuses to write a column of the wrong shape, and reads a malformed one as null", () => {
    expect(() => reportColumn("confusion", [[1, 2], [3]])).toThrow(/square/);
    expect(() => reportColumn("metrics", { ...split, perClass: [{ label: 3 }] } as never)).toThrow();
    expect(readReportColumn("metrics", { examples: "many" })).toBeNull();
    expect(readReportColumn("curves", null)).toBeNull();
    // Curves stored before the gap was recorded (and the live panel's partial curves) still read.
    expect(readReportColumn("curves", { source: "training", epochs: [{ epoch: 1, loss: 0.5, accuracy: 0.8, valLoss: 0.6, valAccuracy: 0.7, seconds: 1 }], bestEpoch: 1, overfitStartEpoch: null })).toMatchObject({ generalizationGap: [], epochs: [{ epoch: 1 }] });
    expect(readReport({ backend: null, examplesPerSecond: null, metrics: {}, privateMetrics: {}, curves: null, summary: null, confusion: null, misclassified: "x", splitInfo: null })).toMatchObject({ metrics: null, misclassified: [], splitInfo: { classNames: [], warnings: [] } });
  });
});
