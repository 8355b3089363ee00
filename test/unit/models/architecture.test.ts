/** The definition track: architectures without weights, and training settings. */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { buildModelFromArchitecture, loadArchitectureSubmission, parseTrainingSettings, readTrainingSettings, trainingSettingsSchema, SubmissionError } from "@/lib/models";
import { readFixture, useWasmBackend } from "./helpers/data";
import { k2, k3 } from "./helpers/keras-configs";

beforeAll(useWasmBackend);

describe("buildModelFromArchitecture", () => {
  it("builds Keras 2 model.to_json() text into an uncompiled model", () => {
    const json = JSON.stringify(k2.sequential([28, 28, 1], [k2.layer("Conv2D", { name: "conv2d_1", filters: 4, kernel_size: [3, 3], activation: "relu" }), k2.layer("Flatten", { name: "flatten_1" }), k2.layer("Dense", { name: "dense_1", units: 10, activation: "softmax" })]));
    const model = buildModelFromArchitecture(json);
    expect(model.optimizer).toBeUndefined();
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
    expect(model.outputs[0].shape).toEqual([null, 10]);
    expect(model.countParams()).toBe(40 + 26 * 26 * 4 * 10 + 10);
    model.dispose();
  });

  it("builds a Keras 3 config.json object, filling a missing input shape from the dataset, and it trains", async () => {
    const dense = k3.layer("Dense", {
      name: "dense",
      units: 10,
      activation: "softmax",
      kernel_initializer: { module: "keras.initializers", class_name: "HeNormal", config: { seed: 3 }, registered_name: null },
      kernel_regularizer: { module: "keras.regularizers", class_name: "L2", config: { l2: 0.01 }, registered_name: null },
    });
    const config = k3.sequential(null, [k3.layer("Flatten", { name: "flatten" }), dense]);
    expect(() => buildModelFromArchitecture(config)).toThrow(SubmissionError);
    const model = buildModelFromArchitecture(config, { dataset: "mnist" });
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
    expect(model.getLayer("dense").getConfig().kernelRegularizer).toMatchObject({ className: "L1L2", config: { l1: 0, l2: 0.01 } });
    expect(model.getLayer("dense").getConfig().kernelInitializer).toMatchObject({ className: "VarianceScaling", config: { scale: 2, mode: "fanIn", seed: 3 } });
    model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
    const x = tf.randomUniform([8, 28, 28, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32"), 10);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(history.history.loss.every((l) => Number.isFinite(l as number))).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("reads the architecture of a .keras file, ignoring its weights", async () => {
    const { model, summary, warnings } = await loadArchitectureSubmission([readFixture("keras3-keras-mnist-cnn", "mnist_model.keras")], { dataset: "mnist" });
    expect(summary.totalParams).toBe(34_826);
    expect(model.optimizer).toBeUndefined();
    expect(warnings).toEqual([]);
    const fromH5 = await loadArchitectureSubmission([readFixture("keras2-h5-mnist-cnn", "mnist1.h5")], { dataset: "mnist" });
    expect(fromH5.warnings.map((w) => w.code)).toEqual(["WEIGHTS_IGNORED"]);
    model.dispose();
    fromH5.model.dispose();
  });
});

describe("training settings", () => {
  it("fills the course defaults", () => {
    expect(parseTrainingSettings({})).toEqual({
      optimizer: "adam",
      learningRate: 0.001,
      batchSize: 32,
      epochs: 10,
      validationSplit: 0.1,
      earlyStoppingPatience: null,
      augmentation: { horizontalFlip: false, rotationDegrees: 0, widthShift: 0, heightShift: 0, cropPadding: 0, zoom: 0 },
    });
  });

  it("accepts the taught options and refuses the rest with field paths", () => {
    const settings = parseTrainingSettings({ optimizer: "rmsprop", learningRate: 0.0005, batchSize: 64, epochs: 20, validationSplit: 0.2, earlyStoppingPatience: 3, augmentation: { horizontalFlip: true, rotationDegrees: 15, widthShift: 0.1, heightShift: 0.1 } });
    expect(settings.augmentation.rotationDegrees).toBe(15);
    const bad = trainingSettingsSchema.safeParse({ optimizer: "adagrad", learningRate: 0, augmentation: { widthShift: 2 }, momentum: 0.9 });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["optimizer", "learningRate", "augmentation.widthShift"]));
    const noValidation = trainingSettingsSchema.safeParse({ validationSplit: 0, earlyStoppingPatience: 2 });
    expect(noValidation.error!.issues[0].message).toMatch(/early stopping needs a validation split/);
  });

  it("reads what a student sent (object, JSON text or nothing) with one message per field, as the upload check shows them", () => {
    expect(readTrainingSettings(undefined)).toEqual({ ok: true, settings: parseTrainingSettings({}) });
    expect(readTrainingSettings('{"epochs": 3}')).toMatchObject({ ok: true, settings: { epochs: 3, batchSize: 32 } });
    expect(readTrainingSettings("{epochs: 3")).toEqual({ ok: false, errors: [expect.stringMatching(/not valid JSON/)] });
    const bad = readTrainingSettings({ epochs: 0, augmentation: { widthShift: 2 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual([expect.stringMatching(/^Training setting epochs: .*\.$/), expect.stringMatching(/^Training setting augmentation\.widthShift: /)]);
  });
});
