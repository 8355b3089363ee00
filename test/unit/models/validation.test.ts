/**
 * Every kind of bad upload is refused before anything is queued, with a message that says what
 * is wrong, where, and how to fix it; none of them throws or leaks tensors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { strToU8, zipSync } from "fflate";
import {
  buildModelFromArchitecture,
  formatProblem,
  validateSubmission,
  writeKerasArchive,
  writeKerasH5,
  writeTfjsLayersModel,
  type LoadSubmissionOptions,
  type ModelValidationError,
  type SubmissionFile,
} from "@/lib/models";
import { createHdf5 } from "@/lib/models/hdf5";
import { readFixture, useWasmBackend } from "./helpers/data";
import { writeGraphModel } from "./helpers/graph-model";
import { k2, k3 } from "./helpers/keras-configs";
import { asFile, randomizeWeights } from "./helpers/models";

let tensorsAtStart = 0;
beforeAll(async () => {
  await useWasmBackend();
  tensorsAtStart = tf.memory().numTensors;
});
afterAll(() => {
  // Refused submissions must not leave weights behind.
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

const L3 = k3.layer;
const L2 = k2.layer;
const mnist: LoadSubmissionOptions = { dataset: "mnist" };
const json = (value: unknown) => strToU8(JSON.stringify(value));

async function expectRefused(files: SubmissionFile[], opts: LoadSubmissionOptions, code: ModelValidationError["code"], message: RegExp): Promise<ModelValidationError> {
  const result = await validateSubmission(files, opts);
  expect(result.ok).toBe(false);
  const error = result.errors.find((e) => e.code === code);
  expect(error, `expected ${code}, got ${JSON.stringify(result.errors)}`).toBeDefined();
  expect(error!.message).toMatch(message);
  return error!;
}

const mlpConfig = (units = 16, name = "sequential") =>
  k3.sequential([784], [L3("Dense", { name: "dense", units, activation: "relu" }), L3("Dense", { name: "dense_1", units: 10, activation: "softmax" })], name);

/** A small valid TF.js model: model.json + weights.bin. */
function tfjsMlp(): { modelJson: Record<string, unknown>; bin: Uint8Array } {
  const config = mlpConfig();
  const model = buildModelFromArchitecture(config);
  randomizeWeights(model, 1);
  const files = writeTfjsLayersModel(config, model, { singleFileName: "weights.bin" });
  model.dispose();
  return { modelJson: JSON.parse(new TextDecoder().decode(files[0].data)), bin: files[1].data };
}

describe("upload size and format", () => {
  it("refuses an empty submission, too many files, and files over the size limits", async () => {
    await expectRefused([], mnist, "NO_FILES", /No file was submitted/);
    const file = readFixture("keras2-h5-mnist-cnn", "mnist1.h5");
    await expectRefused([file, file, file], { ...mnist, limits: { maxFiles: 2 } }, "TOO_MANY_FILES", /3 files were submitted; at most 2/);
    const big = await expectRefused([file], { ...mnist, limits: { maxFileBytes: 100_000 } }, "FILE_TOO_LARGE", /mnist1\.h5 is 532 KiB; each file may be at most 98 KiB/);
    expect(big.location).toBe("mnist1.h5");
    await expectRefused([file, asFile("notes.txt", strToU8("hi there"))], { ...mnist, limits: { maxTotalBytes: 500_000 } }, "SUBMISSION_TOO_LARGE", /at most 488 KiB/);
  });

  it("refuses files that are not models, naming what was expected", async () => {
    await expectRefused([asFile("model.bin", new Uint8Array(2000).fill(7))], mnist, "UNKNOWN_FORMAT", /not a recognized model/);
    await expectRefused([asFile("model.h5", new Uint8Array(3))], mnist, "UNKNOWN_FORMAT", /only 3 bytes/);
    await expectRefused([asFile("saved_model.pb", new Uint8Array(100).fill(1))], mnist, "UNSUPPORTED_FORMAT", /SavedModel/);
    const pytorch = zipSync({ "archive/data.pkl": new Uint8Array(10), "archive/version": strToU8("3") });
    await expectRefused([asFile("model.pt", pytorch)], mnist, "UNSUPPORTED_FORMAT", /PyTorch/);
  });
});

describe("limits on the model", () => {
  it("refuses models over the parameter and FLOP limits", async () => {
    const file = readFixture("keras2-h5-mnist-cnn", "mnist1.h5");
    await expectRefused([file], { ...mnist, limits: { maxParams: 10_000 } }, "TOO_MANY_PARAMS", /42,358 parameters; the limit is 10,000/);
    await expectRefused([file], { ...mnist, limits: { maxFlopsPerExample: 100_000 } }, "TOO_MANY_FLOPS", /about 472\.6 KFLOPs per image; the limit is 100\.0 KFLOPs/);
  });

  it("refuses a model.json declaring a giant weight from the JSON alone, before allocating", async () => {
    const { modelJson, bin } = tfjsMlp();
    const manifest = modelJson.weightsManifest as Array<{ weights: Array<{ shape: number[] }> }>;
    manifest[0].weights[0].shape = [1_000_000, 1_000_000]; // 1e12 values = 4 TB
    const error = await expectRefused([asFile("model.json", json(modelJson)), asFile("weights.bin", bin)], mnist, "WEIGHT_TOO_LARGE", /shape \[1000000, 1000000\] \(1,000,000,000,000 values\)/);
    expect(error.location).toContain("weightsManifest[0] > weights[0]");
  });
});

describe("compatibility with the competition's data", () => {
  it("refuses input that does not hold the dataset's images", async () => {
    const config = k3.sequential([28, 28, 3], [L3("Flatten", { name: "flatten" }), L3("Dense", { name: "dense", units: 10, activation: "softmax" })]);
    const model = buildModelFromArchitecture(config);
    const files = [asFile("model.keras", await writeKerasArchive(config, model))];
    model.dispose();
    const error = await expectRefused(files, mnist, "INPUT_INCOMPATIBLE", /takes input of shape \(None, 28, 28, 3\) \(2,352 values per example\), but mnist images are 28x28x1 \(784 values\)/);
    expect(error.hint).toContain("keras.Input(shape=(28, 28, 1))");
  });

  it("refuses an output that is not one score per class", async () => {
    const config = k3.sequential([784], [L3("Dense", { name: "dense", units: 5, activation: "softmax" })]);
    const model = buildModelFromArchitecture(config);
    const files = [asFile("model.h5", await writeKerasH5(config, model, { flavor: "keras3" }))];
    model.dispose();
    const error = await expectRefused(files, mnist, "OUTPUT_INCOMPATIBLE", /outputs \(None, 5\) per batch, but mnist has 10 classes/);
    expect(error.hint).toBe('End the model with Dense(10, activation="softmax").');
  });

  it("refuses mean/std preprocessing that does not match the image channels", async () => {
    await expectRefused([readFixture("keras2-h5-mnist-cnn", "mnist1.h5")], { ...mnist, preprocessing: { mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2] } }, "BAD_PREPROCESSING", /3 mean\/std values, but the images have 1 channel/);
    await expectRefused([readFixture("keras2-h5-mnist-cnn", "mnist1.h5")], { ...mnist, preprocessing: "divide-by-pi" }, "BAD_PREPROCESSING", /"divide-by-pi" is not valid/);
  });

  it("asks for a dataset when the model declares no input shape", async () => {
    const config = k2.sequential(null, [L2("Dense", { name: "dense_1", units: 10, activation: "softmax" })]);
    const error = await expectRefused([asFile("arch.json", json(config))], { track: "architecture" }, "NO_INPUT_SHAPE", /declares no input shape, and no dataset was given/);
    expect(error.hint).toContain("keras.Input(shape=(28, 28, 1))");
  });
});

describe("weights", () => {
  it("refuses NaN and infinite weights, naming the layer and the count", async () => {
    const config = mlpConfig();
    const model = buildModelFromArchitecture(config);
    const [kernel, bias] = model.getLayer("dense_1").getWeights();
    const poisoned = kernel.dataSync().slice();
    poisoned[0] = NaN;
    poisoned[5] = Infinity;
    const poisonedKernel = tf.tensor(poisoned, kernel.shape);
    model.getLayer("dense_1").setWeights([poisonedKernel, bias]);
    poisonedKernel.dispose();
    const files = [asFile("model.keras", await writeKerasArchive(config, model))];
    model.dispose();
    const error = await expectRefused(files, mnist, "WEIGHT_NOT_FINITE", /Weight kernel of layer 'dense_1' contains 2 NaN or infinite value\(s\) out of 160: training diverged/);
    expect(error.hint).toMatch(/Lower the learning rate/);
  });

  it("refuses a weight count or shape that does not match the architecture", async () => {
    const withoutBias = k3.sequential([784], [L3("Dense", { name: "dense", units: 16, use_bias: false }), L3("Dense", { name: "dense_1", units: 10, activation: "softmax" })]);
    const model = buildModelFromArchitecture(withoutBias);
    const countFiles = [asFile("model.h5", await writeKerasH5(mlpConfig(), model, { flavor: "keras2" }))];
    await expectRefused(countFiles, mnist, "WEIGHT_COUNT_MISMATCH", /Layer 'dense' \(Dense\) needs 2 weight arrays \(kernel, bias\) but model\.h5 stores 1 \(dense\/kernel:0\)/);
    model.dispose();

    const narrow = buildModelFromArchitecture(mlpConfig(16));
    const shapeFiles = [asFile("model.keras", await writeKerasArchive(mlpConfig(32), narrow))];
    narrow.dispose();
    const error = await expectRefused(shapeFiles, mnist, "WEIGHT_SHAPE_MISMATCH", /Layer 'dense' \(Dense\) expects kernel of shape \(784, 32\), but .*model\.weights\.h5 stores layers\/dense\/vars\/0 with shape \(784, 16\)/);
    expect(error.location).toBe("layer 'dense'");
  });

  it("refuses missing weights, missing shards and truncated shards", async () => {
    const { modelJson, bin } = tfjsMlp();
    await expectRefused([asFile("model.json", json(modelJson))], mnist, "MISSING_FILE", /needs weight file\(s\) "weights\.bin", which were not uploaded/);
    const truncated = await expectRefused([asFile("model.json", json(modelJson)), asFile("weights.bin", bin.slice(0, 30_000))], mnist, "TRUNCATED_WEIGHTS", /weights\.bin holds .* but model\.json needs 50,920 bytes; the data ends inside weight "dense\/kernel"/);
    expect(truncated.hint).toMatch(/upload all \.bin files/);

    const manifest = modelJson.weightsManifest as Array<{ weights: unknown[] }>;
    manifest[0].weights = manifest[0].weights.slice(0, 2); // the last layer's weights are gone
    await expectRefused([asFile("model.json", json(modelJson)), asFile("weights.bin", bin.slice(0, 784 * 16 * 4 + 16 * 4))], mnist, "WEIGHT_MISSING", /has no weights for layer 'dense_1' \(Dense\), which needs 2 \(kernel \(16, 10\), bias \(10\)\)/);
  });

  it("refuses weights of the wrong dtype, in model.json and in HDF5", async () => {
    const { modelJson, bin } = tfjsMlp();
    (modelJson.weightsManifest as Array<{ weights: Array<{ dtype: string }> }>)[0].weights[1].dtype = "float64";
    await expectRefused([asFile("model.json", json(modelJson)), asFile("weights.bin", bin)], mnist, "WEIGHT_DTYPE", /Weight "dense\/bias" has dtype "float64"; layers models may only use float32/);

    const config = k2.sequential([784], [L2("Dense", { name: "dense_1", units: 10, activation: "softmax" })]);
    const h5 = await createHdf5();
    h5.root.create_attribute("model_config", JSON.stringify(config));
    h5.ensureGroup("model_weights").create_attribute("layer_names", ["dense_1"]);
    const group = h5.ensureGroup("model_weights/dense_1");
    group.create_attribute("weight_names", ["dense_1/kernel:0", "dense_1/bias:0"]);
    h5.ensureGroup("model_weights/dense_1/dense_1").create_dataset({ name: "kernel:0", data: new Int32Array(7840), shape: [784, 10], dtype: "<i" });
    h5.ensureGroup("model_weights/dense_1/dense_1").create_dataset({ name: "bias:0", data: new Float32Array(10), shape: [10], dtype: "<f" });
    await expectRefused([asFile("model.h5", h5.finish())], mnist, "WEIGHT_DTYPE", /weight "dense_1\/kernel:0" of layer 'dense_1' is stored as integers/);
  });

  it("refuses an .h5 holding only weights (model.save_weights) and an architecture without weights", async () => {
    const h5 = await createHdf5();
    h5.writeFloats("layers/dense/vars/0", new Float32Array(7840), [784, 10]);
    await expectRefused([asFile("model.weights.h5", h5.finish())], mnist, "WEIGHTS_ONLY", /holds only weights \(written by model\.save_weights\), without the model's architecture/);
    const error = await expectRefused([asFile("model.json", json(mlpConfig()))], mnist, "ARCHITECTURE_ONLY", /holds only the model's architecture, not its trained weights/);
    expect(error.hint).toContain("model.save('model.keras')");
  });
});

describe("malformed files", () => {
  it("refuses damaged HDF5 (truncated, or not HDF5 behind the signature)", async () => {
    const real = readFixture("keras2-h5-mnist-cnn", "mnist1.h5");
    const error = await expectRefused([asFile("mnist1.h5", real.data.slice(0, 200_000))], mnist, "MALFORMED_HDF5", /mnist1\.h5 is damaged: HDF5 cannot read it \(it may be truncated, 195 KiB received\)/);
    expect(error.hint).toMatch(/Upload the complete file again/);
    const fake = new Uint8Array(4096);
    fake.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expectRefused([asFile("model.h5", fake)], mnist, "MALFORMED_HDF5", /model\.h5 is damaged/);
  });

  it("refuses malformed JSON with the line and column, and deeply nested JSON", async () => {
    const text = '{\n  "format": "layers-model",\n  "modelTopology": {"class_name": "Sequential",, }\n}';
    const error = await expectRefused([asFile("model.json", strToU8(text))], mnist, "MALFORMED_JSON", /model\.json is not valid JSON \(line 3, column \d+\)/);
    expect(error.location).toBe("model.json");
    const deep = `{"modelTopology": ${"[".repeat(100_000)}${"]".repeat(100_000)}, "weightsManifest": []}`;
    await expectRefused([asFile("model.json", strToU8(deep))], mnist, "JSON_TOO_DEEP", /nests objects\/arrays more than 100 levels deep/);
    const config = JSON.stringify(mlpConfig()).replace(/"units":16/, '"units":16,"deep":' + "[".repeat(5000) + "]".repeat(5000));
    await expectRefused([asFile("model.keras", zipSync({ "config.json": strToU8(config), "metadata.json": strToU8("{}") }))], { ...mnist, track: "architecture" }, "JSON_TOO_DEEP", /config\.json nests/);
  });
});

describe("archives: zip bombs and path traversal", () => {
  const keras = () => readFixture("keras3-keras-mnist-cnn", "mnist_model.keras");

  it("refuses an entry that expands far more than model files can", async () => {
    const bomb = zipSync({ "config.json": strToU8("{}"), "model.weights.h5": new Uint8Array(20 * 1024 * 1024) }, { level: 9 });
    await expectRefused([asFile("model.keras", bomb)], mnist, "ZIP_COMPRESSION_RATIO", /entry "model\.weights\.h5" claims to expand \d+x \(to 20 MiB\); at most 100x/);
  });

  it("caps the total decompressed size and the number of entries", async () => {
    await expectRefused([keras()], { ...mnist, limits: { maxZipUncompressedBytes: 100_000 } }, "ZIP_TOO_LARGE", /would decompress to more than 98 KiB/);
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 300; i++) many[`assets/${i}.txt`] = strToU8("x");
    await expectRefused([asFile("model.keras", zipSync(many))], mnist, "ZIP_TOO_MANY_ENTRIES", /holds 300 entries; at most 256/);
  });

  it("stops inflating an entry that produces more than its header declares", async () => {
    const archive = zipSync({ "config.json": strToU8(JSON.stringify(mlpConfig())), "model.weights.h5": new Uint8Array(200_000).fill(3) });
    // Rewrite the declared (uncompressed) size of model.weights.h5 to 1000 bytes, in both headers.
    const view = new DataView(archive.buffer);
    for (let i = 0; i + 4 < archive.length; i++) {
      const sig = view.getUint32(i, true);
      if (sig === 0x04034b50 && view.getUint32(i + 22, true) === 200_000) view.setUint32(i + 22, 1000, true);
      if (sig === 0x02014b50 && view.getUint32(i + 24, true) === 200_000) view.setUint32(i + 24, 1000, true);
    }
    await expectRefused([asFile("model.keras", archive)], mnist, "ZIP_COMPRESSION_RATIO", /model\.weights\.h5 decompresses to more data than its header declares \(1000 B\)/);
  });

  it("refuses entries with unsafe paths", async () => {
    for (const name of ["../../etc/cron.d/evil", "/etc/passwd", "C:/Windows/evil.dll", "assets\\..\\..\\evil"]) {
      const archive = zipSync({ "config.json": strToU8("{}"), [name]: strToU8("x") });
      await expectRefused([asFile("model.keras", archive)], mnist, "ZIP_UNSAFE_PATH", /contains an entry with an unsafe path/);
    }
  });

  it("refuses a truncated archive", async () => {
    const data = keras().data;
    await expectRefused([asFile("mnist_model.keras", data.slice(0, data.length - 5000))], mnist, "MALFORMED_ZIP", /not a readable zip archive|truncated/);
  });
});

describe("architectures Holdout cannot run", () => {
  const withLayer = (entry: Record<string, unknown>) => {
    const config = k3.sequential([28, 28, 1], [L3("Flatten", { name: "flatten" }), L3("Dense", { name: "dense", units: 10, activation: "softmax" })]);
    const layers = (config.config as { layers: unknown[] }).layers;
    layers.splice(1, 0, entry);
    return [asFile("model.json", json(config))];
  };
  const arch: LoadSubmissionOptions = { dataset: "mnist", track: "architecture" };

  it("refuses Lambda layers with the message students need", async () => {
    const files = withLayer({ module: "keras.layers", class_name: "Lambda", config: { name: "lambda_1", function: { class_name: "__lambda__", config: { code: "4wEAAAAAAAAA" } } }, registered_name: null });
    const error = await expectRefused(files, arch, "LAMBDA_LAYER", /^Layer 'lambda_1' is a Lambda layer: it contains Python code, which Holdout cannot run\.$/);
    expect(formatProblem(error)).toBe(
      "layer 'lambda_1': Layer 'lambda_1' is a Lambda layer: it contains Python code, which Holdout cannot run. Fix: Replace it with built-in layers (e.g. Rescaling for x / 255, Reshape, Activation) and save again.",
    );
  });

  it("refuses custom layer classes, TF ops on Keras tensors, unsupported types and subclassed models", async () => {
    await expectRefused(withLayer({ module: "__main__", class_name: "MyBlock", config: { name: "my_block" }, registered_name: "Custom>MyBlock" }), arch, "CUSTOM_LAYER", /Layer 'my_block' is a custom layer class \(Custom>MyBlock from __main__\): it contains Python code/);
    await expectRefused(withLayer({ class_name: "TFOpLambda", config: { name: "tf.math.truediv", function: "math.truediv" } }), arch, "TF_OP_LAYER", /Layer 'tf\.math\.truediv' is a TensorFlow operation applied directly to a Keras tensor/);
    const lstm = await expectRefused(withLayer({ module: "keras.layers", class_name: "LSTM", config: { name: "lstm", units: 8 }, registered_name: null }), arch, "UNSUPPORTED_LAYER", /Layer 'lstm' has type LSTM, which Holdout does not support/);
    expect(lstm.hint).toMatch(/Supported layer types: InputLayer, Dense, Conv2D, /);
    await expectRefused([asFile("model.json", json({ class_name: "MyModel", config: { layers: [] }, registered_name: "MyModel", module: "__main__" }))], arch, "CUSTOM_LAYER", /Subclassed models/);
  });

  it("reports every unsupported layer at once", async () => {
    const config = k3.sequential([28, 28, 1], [L3("Flatten", { name: "flatten" }), L3("Dense", { name: "dense", units: 10 })]);
    const layers = (config.config as { layers: unknown[] }).layers;
    layers.push({ class_name: "Lambda", config: { name: "lambda_1" } }, { class_name: "GRU", config: { name: "gru" } });
    const result = await validateSubmission([asFile("model.json", json(config))], arch);
    expect(result.errors.map((e) => e.code)).toEqual(["LAMBDA_LAYER", "UNSUPPORTED_LAYER"]);
  });

  it("refuses layer options that would silently change the model", async () => {
    await expectRefused(withLayer({ module: "keras.layers", class_name: "Conv2D", config: { name: "grouped", filters: 4, kernel_size: [3, 3], groups: 2 }, registered_name: null }), arch, "UNSUPPORTED_LAYER_OPTION", /Layer 'grouped' \(Conv2D\): groups=2: grouped convolutions/);
    await expectRefused(withLayer({ class_name: "Conv2D", config: { name: "cf", filters: 4, kernel_size: 3, data_format: "channels_first" } }), arch, "UNSUPPORTED_LAYER_OPTION", /data_format="channels_first" is not supported/);
    await expectRefused(withLayer({ class_name: "Activation", config: { name: "act", activation: "hard_sigmoid" } }), arch, "UNSUPPORTED_ACTIVATION", /Layer 'act' uses the activation "hard_sigmoid"/);
  });

  it("refuses models with several inputs or outputs, and broken graphs", async () => {
    const two = k3.functional([784], [{ layer: L3("Dense", { name: "a", units: 10 }), inputs: ["input"] }, { layer: L3("Dense", { name: "b", units: 10 }), inputs: ["input"] }], "a");
    (two.config as { output_layers: unknown[] }).output_layers.push(["b", 0, 0]);
    await expectRefused([asFile("model.json", json(two))], arch, "MULTIPLE_INPUTS_OR_OUTPUTS", /has 1 input\(s\) and 2 output\(s\)/);
    const broken = k3.functional([784], [{ layer: L3("Dense", { name: "a", units: 10 }), inputs: ["ghost"] }], "a");
    await expectRefused([asFile("model.json", json(broken))], arch, "BROKEN_GRAPH", /Layer 'a' takes its input from 'ghost'/);
  });

  it("refuses a graph model that TF.js cannot execute", async () => {
    const model = buildModelFromArchitecture(k3.sequential([784], [L3("Dense", { name: "d", units: 10, activation: "softmax" })]));
    const files = writeGraphModel(model, [784], { softmax: true });
    model.dispose();
    const modelJson = JSON.parse(new TextDecoder().decode(files[0].data));
    modelJson.modelTopology.node.find((n: { op: string }) => n.op === "Softmax").op = "SparseSoftmaxMagic";
    await expectRefused([asFile("model.json", json(modelJson)), files[1]], mnist, "EXECUTION_FAILED", /fails when run on an image: .*SparseSoftmaxMagic/);
  });
});

describe("validation result", () => {
  it("returns a summary, the format and the preprocessing for a valid model, and never throws", async () => {
    const ok = await validateSubmission([readFixture("keras3-keras-mnist-cnn", "mnist_model.keras")], mnist);
    expect(ok).toMatchObject({ ok: true, errors: [], format: "Keras .keras archive", preprocessing: "1/255" });
    expect(ok.summary?.totalParams).toBe(34_826);
    const extra = await validateSubmission([readFixture("tfjs-layers-mnist-cnn", "model.json"), readFixture("tfjs-layers-mnist-cnn", "weights.bin"), asFile("README.md", strToU8("# my model"))], mnist);
    expect(extra.ok).toBe(true);
    expect(extra.warnings).toEqual([expect.objectContaining({ code: "EXTRA_FILE", message: "README.md is not listed in model.json and is ignored." })]);
    const garbage = await validateSubmission([asFile("x.json", strToU8("{ nope"))], mnist);
    expect(garbage.ok).toBe(false);
    expect(garbage.summary).toBeNull();
  });
});
