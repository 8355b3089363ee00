/** Summaries like Keras' model.summary(): shapes, parameter counts and FLOP estimates. */
import { beforeAll, describe, expect, it } from "vitest";
import { buildModelFromArchitecture, loadSubmissionModel, renderSummary, validateSubmission, writeKerasArchive } from "@/lib/models";
import { readFixture, useWasmBackend } from "./helpers/data";
import { k3 } from "./helpers/keras-configs";
import { asFile } from "./helpers/models";

beforeAll(useWasmBackend);
const L3 = k3.layer;

describe("model summary", () => {
  it("matches Keras' summary of the Keras 3 fixture", async () => {
    const loaded = await loadSubmissionModel([readFixture("keras3-keras-mnist-cnn", "mnist_model.keras")], { dataset: "mnist" });
    const { summary } = loaded;
    loaded.dispose();
    expect(summary.layers.map((l) => [l.name, l.type, l.outputShape, l.params])).toEqual([
      ["conv2d", "Conv2D", "(None, 26, 26, 32)", 320],
      ["max_pooling2d", "MaxPooling2D", "(None, 13, 13, 32)", 0],
      ["conv2d_1", "Conv2D", "(None, 11, 11, 64)", 18_496],
      ["max_pooling2d_1", "MaxPooling2D", "(None, 5, 5, 64)", 0],
      ["flatten", "Flatten", "(None, 1600)", 0],
      ["dropout", "Dropout", "(None, 1600)", 0],
      ["dense", "Dense", "(None, 10)", 16_010],
    ]);
    expect(summary).toMatchObject({ totalParams: 34_826, trainableParams: 34_826, nonTrainableParams: 0, inputShape: [28, 28, 1], outputShape: [10], output: "probabilities" });
  });

  it("counts FLOPs per example (multiply-adds x2, plus bias adds and pooling windows)", async () => {
    const config = k3.sequential([28, 28, 1], [
      L3("Conv2D", { name: "conv", filters: 8, kernel_size: [3, 3] }),
      L3("BatchNormalization", { name: "bn" }),
      L3("MaxPooling2D", { name: "pool" }),
      L3("Flatten", { name: "flat" }),
      L3("Dense", { name: "out", units: 10, activation: "softmax" }),
    ]);
    const model = buildModelFromArchitecture(config);
    const files = [asFile("m.keras", await writeKerasArchive(config, model))];
    model.dispose();
    const result = await validateSubmission(files, { dataset: "mnist" });
    const conv = (2 * 3 * 3 * 1 + 1) * 26 * 26 * 8;
    const bn = 2 * 26 * 26 * 8;
    const pool = 4 * 13 * 13 * 8;
    const dense = (2 * 13 * 13 * 8 + 1) * 10;
    expect(result.summary!.flopsPerExample).toBe(conv + bn + pool + dense);
    // BatchNormalization: gamma and beta train; the moving statistics do not.
    expect(result.summary).toMatchObject({ totalParams: 80 + 32 + 13_530, trainableParams: 80 + 16 + 13_530, nonTrainableParams: 16 });

    const text = renderSummary(result.summary!);
    expect(text).toContain('Model: "sequential" (Keras .keras archive, sequential)');
    expect(text).toMatch(/conv \(Conv2D\)\s+\(None, 26, 26, 8\)\s+80/);
    expect(text).toMatch(/bn \(BatchNormalization\)\s+\(None, 26, 26, 8\)\s+32/);
    expect(text).toContain("Total params: 13,642");
    expect(text).toContain("Non-trainable params: 16");
    expect(text).toContain("Estimated FLOPs per example: 146.0 KFLOPs");
  });

  it("shows connections for functional models and indents nested ones", async () => {
    const config = k3.functional(
      [784],
      [
        { layer: L3("Dense", { name: "a", units: 8 }), inputs: ["input"] },
        { layer: L3("Dense", { name: "b", units: 8 }), inputs: ["input"] },
        { layer: L3("Add", { name: "sum" }), inputs: ["a", "b"] },
        { layer: L3("Dense", { name: "out", units: 10, activation: "softmax" }), inputs: ["sum"] },
      ],
      "out",
    );
    const result = await validateSubmission([asFile("m.json", new TextEncoder().encode(JSON.stringify(config)))], { dataset: "mnist", track: "architecture" });
    expect(result.summary!.layers.find((l) => l.name === "sum")?.connectedTo).toEqual(["a", "b"]);
    expect(renderSummary(result.summary!)).toMatch(/sum \(Add\)\s+\(None, 8\)\s+0\s+a, b/);
  });
});
