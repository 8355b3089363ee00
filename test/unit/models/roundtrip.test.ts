/**
 * Round trips: a model built from a Keras config (Keras 2 or Keras 3 dialect) gets seeded
 * random weights, is saved by the platform's writers in every format, read back through the
 * submission path, and must predict what the original predicts (to 1e-6).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { strToU8, zipSync } from "fflate";
import {
  buildModelFromArchitecture,
  loadSubmissionModel,
  predictImages,
  writeKerasArchive,
  writeKerasH5,
  writeTfjsLayersModel,
  type Preprocessing,
  type SubmissionFile,
} from "@/lib/models";
import { createHdf5 } from "@/lib/models/hdf5";
import { useWasmBackend } from "./helpers/data";
import { writeGraphModel } from "./helpers/graph-model";
import { k2, k3, nested } from "./helpers/keras-configs";
import { asFile, maxAbsDiff, predictDirect, randomizeWeights, randomPixels } from "./helpers/models";

beforeAll(useWasmBackend);

type Config = Record<string, unknown>;
type Writer = (config: Config, model: tf.LayersModel) => Promise<SubmissionFile[]>;

const WRITERS: Record<string, Writer> = {
  ".keras (Keras 3)": async (c, m) => [asFile("model.keras", await writeKerasArchive(c, m))],
  ".h5 (Keras 2)": async (c, m) => [asFile("model.h5", await writeKerasH5(c, m, { flavor: "keras2" }))],
  ".h5 (Keras 3 legacy)": async (c, m) => [asFile("model.h5", await writeKerasH5(c, m, { flavor: "keras3" }))],
  "TF.js, 40 kB shards": async (c, m) => writeTfjsLayersModel(c, m, { shardSizeBytes: 40_000 }),
  "TF.js converter, model-name prefix, weights.bin": async (c, m) =>
    writeTfjsLayersModel(c, m, { weightNamePrefix: `${String((c.config as Config).name)}/`, converterStyle: true, singleFileName: "weights.bin" }),
};

const L3 = k3.layer;
const L2 = k2.layer;

interface RoundTripCase {
  title: string;
  config: Config;
  inputShape: number[];
  dataset: "mnist" | "cifar10";
  preprocessing?: Preprocessing;
  /** What predictDirect divides pixels by, to match the preprocessing. */
  divisor?: number;
}

const CASES: RoundTripCase[] = [
  {
    title: "Keras 3 Sequential CNN with BatchNormalization and Dropout",
    config: k3.sequential([28, 28, 1], [
      L3("Conv2D", { name: "conv2d", filters: 8, kernel_size: [3, 3], activation: "relu" }),
      L3("BatchNormalization", { name: "batch_normalization" }),
      L3("MaxPooling2D", { name: "max_pooling2d" }),
      L3("Conv2D", { name: "conv2d_1", filters: 8, kernel_size: [3, 3], activation: "relu", padding: "same", strides: [2, 2] }),
      L3("Flatten", { name: "flatten" }),
      L3("Dropout", { name: "dropout", rate: 0.3 }),
      L3("Dense", { name: "dense", units: 10, activation: "softmax" }),
    ]),
    inputShape: [28, 28, 1],
    dataset: "mnist",
  },
  {
    title: "Keras 3 functional: Add, Concatenate, SeparableConv2D, nested Sequential (DepthwiseConv2D + BN + ReLU)",
    config: k3.functional(
      [28, 28, 1],
      [
        { layer: L3("Conv2D", { name: "stem", filters: 4, kernel_size: [3, 3], padding: "same", activation: "relu" }), inputs: ["input"] },
        { layer: L3("Conv2D", { name: "branch", filters: 4, kernel_size: [3, 3], padding: "same" }), inputs: ["stem"] },
        { layer: L3("Add", { name: "residual" }), inputs: ["stem", "branch"] },
        { layer: L3("SeparableConv2D", { name: "sep", filters: 6, kernel_size: [3, 3], padding: "same", depth_multiplier: 2 }), inputs: ["residual"] },
        { layer: L3("Concatenate", { name: "concat", axis: -1 }), inputs: ["residual", "sep"] },
        {
          layer: nested("block", k3.sequential([28, 28, 10], [
            L3("DepthwiseConv2D", { name: "dw", kernel_size: [3, 3], padding: "same" }),
            L3("BatchNormalization", { name: "bn_in_block" }),
            L3("ReLU", { name: "relu_in_block" }),
          ])),
          inputs: ["concat"],
        },
        { layer: L3("GlobalAveragePooling2D", { name: "gap" }), inputs: ["block"] },
        { layer: L3("Dense", { name: "logits", units: 10 }), inputs: ["gap"] },
        { layer: L3("Softmax", { name: "probs" }), inputs: ["logits"] },
      ],
      "probs",
    ),
    inputShape: [28, 28, 1],
    dataset: "mnist",
  },
  {
    title: "Keras 3 functional model nested in a functional model (referenced as node 1)",
    config: k3.functional(
      [28, 28, 1],
      [
        { layer: L3("Conv2D", { name: "stem", filters: 4, kernel_size: [3, 3], activation: "relu" }), inputs: ["input"] },
        {
          layer: nested("backbone", k3.functional([26, 26, 4], [
            { layer: L3("Conv2D", { name: "inner_a", filters: 4, kernel_size: [3, 3], padding: "same" }), inputs: ["input"] },
            { layer: L3("BatchNormalization", { name: "inner_bn" }), inputs: ["inner_a"] },
            { layer: L3("Add", { name: "inner_add" }), inputs: ["input", "inner_bn"] },
          ], "inner_add")),
          inputs: ["stem"],
        },
        { layer: L3("MaxPooling2D", { name: "pool" }), inputs: ["backbone"] },
        { layer: L3("Flatten", { name: "flatten" }), inputs: ["pool"] },
        { layer: L3("Dense", { name: "out", units: 10, activation: "softmax" }), inputs: ["flatten"] },
      ],
      "out",
    ),
    inputShape: [28, 28, 1],
    dataset: "mnist",
  },
  {
    title: "Keras 3 MLP taking (28, 28) images",
    config: k3.sequential([28, 28], [L3("Flatten", { name: "flatten" }), L3("Dense", { name: "dense", units: 10, activation: "softmax" })]),
    inputShape: [28, 28],
    dataset: "mnist",
  },
  {
    title: "Keras 2 functional with a nested Sequential holding BatchNormalization",
    config: k2.functional(
      [28, 28, 1],
      [
        { layer: L2("Conv2D", { name: "conv2d_1", filters: 6, kernel_size: [5, 5], activation: "relu" }), inputs: ["input"] },
        {
          layer: nested("sequential_1", k2.sequential([24, 24, 6], [
            L2("Conv2D", { name: "conv2d_2", filters: 6, kernel_size: [3, 3] }),
            L2("BatchNormalization", { name: "batch_normalization_1" }),
            L2("Activation", { name: "activation_1", activation: "relu" }),
          ])),
          inputs: ["conv2d_1"],
        },
        { layer: L2("MaxPooling2D", { name: "max_pooling2d_1" }), inputs: ["sequential_1"] },
        { layer: L2("Concatenate", { name: "concatenate_1", axis: -1 }), inputs: ["max_pooling2d_1", "max_pooling2d_1"] },
        { layer: L2("Flatten", { name: "flatten_1" }), inputs: ["concatenate_1"] },
        { layer: L2("Dense", { name: "dense_1", units: 10, activation: "softmax" }), inputs: ["flatten_1"] },
      ],
      "dense_1",
    ),
    inputShape: [28, 28, 1],
    dataset: "mnist",
  },
  {
    title: "Keras 2 flat-784 MLP",
    config: k2.sequential([784], [
      L2("Dense", { name: "dense_1", units: 64, activation: "relu" }),
      L2("Dense", { name: "dense_2", units: 32, activation: "tanh" }),
      L2("Dense", { name: "dense_3", units: 10, activation: "softmax" }),
    ]),
    inputShape: [784],
    dataset: "mnist",
  },
  {
    title: "every other supported layer and activation",
    config: k3.sequential([28, 28, 1], [
      L3("Rescaling", { name: "rescale", scale: 1 / 127.5, offset: -1 }),
      L3("RandomFlip", { name: "flip", mode: "horizontal" }),
      L3("RandomRotation", { name: "rotate", factor: 0.1 }),
      L3("ZeroPadding2D", { name: "pad", padding: [[1, 1], [2, 2]] }),
      L3("Conv2D", { name: "c_elu", filters: 4, kernel_size: [3, 3], activation: "elu" }),
      L3("Activation", { name: "a_selu", activation: "selu" }),
      L3("Conv2D", { name: "c_gelu", filters: 4, kernel_size: [1, 1], activation: "gelu" }),
      L3("Activation", { name: "a_leaky", activation: "leaky_relu" }),
      L3("Activation", { name: "a_silu", activation: "silu" }),
      L3("Activation", { name: "a_swish", activation: "swish" }),
      L3("Activation", { name: "a_sigmoid", activation: "sigmoid" }),
      L3("LeakyReLU", { name: "leaky", negative_slope: 0.1 }),
      L3("ReLU", { name: "relu_capped", max_value: 6, negative_slope: 0.05, threshold: 0.1 }),
      L3("SpatialDropout2D", { name: "sdrop", rate: 0.2 }),
      L3("AveragePooling2D", { name: "avg", pool_size: [2, 2], strides: [2, 2], padding: "same" }),
      L3("DepthwiseConv2D", { name: "dw", kernel_size: [3, 3], depth_multiplier: 2, activation: "tanh" }),
      L3("GlobalMaxPooling2D", { name: "gmp" }),
      L3("Reshape", { name: "reshape", target_shape: [2, 4] }),
      L3("Flatten", { name: "flat" }),
      L3("Dense", { name: "head", units: 10, activation: "softmax" }),
    ]),
    inputShape: [28, 28, 1],
    dataset: "mnist",
    preprocessing: "raw",
    divisor: 1,
  },
  {
    title: "CIFAR-10 CNN with per-channel mean/std preprocessing",
    config: k3.sequential([32, 32, 3], [
      L3("Conv2D", { name: "conv2d", filters: 8, kernel_size: [3, 3], activation: "relu" }),
      L3("MaxPooling2D", { name: "max_pooling2d" }),
      L3("Flatten", { name: "flatten" }),
      L3("Dense", { name: "dense", units: 10, activation: "softmax" }),
    ]),
    inputShape: [32, 32, 3],
    dataset: "cifar10",
    preprocessing: { mean: [0.49, 0.48, 0.45], std: [0.25, 0.24, 0.26] },
  },
];

function expectedOutputs(model: tf.LayersModel, c: RoundTripCase, pixels: Uint8Array, count: number): Float32Array {
  const pre = c.preprocessing;
  if (pre && typeof pre === "object") {
    const channels = c.inputShape[c.inputShape.length - 1];
    const values = Float32Array.from(pixels, (p, i) => (p / 255 - pre.mean[i % channels]) / pre.std[i % channels]);
    return tf.tidy(() => (model.predict(tf.tensor(values, [count, ...c.inputShape])) as tf.Tensor).dataSync() as Float32Array);
  }
  return predictDirect(model, pixels, count, c.inputShape, c.divisor ?? 255);
}

async function loadAndPredict(files: SubmissionFile[], c: { dataset: "mnist" | "cifar10"; preprocessing?: Preprocessing }, pixels: Uint8Array, count: number) {
  const loaded = await loadSubmissionModel(files, { dataset: c.dataset, preprocessing: c.preprocessing });
  try {
    const shape: [number, number, number] = c.dataset === "mnist" ? [28, 28, 1] : [32, 32, 3];
    const predictions = await predictImages(loaded, pixels, count, shape, { batchSize: 5 });
    return { predictions, warnings: loaded.warnings, summary: loaded.summary, outputKind: loaded.outputKind, preprocessing: loaded.preprocessing };
  } finally {
    loaded.dispose();
  }
}

describe("round trip through every writer and reader", () => {
  for (const c of CASES) {
    describe(c.title, () => {
      for (const [format, write] of Object.entries(WRITERS)) {
        it(format, async () => {
          const model = buildModelFromArchitecture(c.config);
          try {
            randomizeWeights(model, 11);
            const count = 12;
            const pixels = randomPixels(count, c.dataset === "mnist" ? [28, 28, 1] : [32, 32, 3]);
            const expected = expectedOutputs(model, c, pixels, count);
            const files = await write(c.config, model);
            const { predictions, summary } = await loadAndPredict(files, c, pixels, count);
            expect(maxAbsDiff(predictions.outputs, expected)).toBeLessThanOrEqual(1e-6);
            expect(summary.totalParams).toBe(model.countParams());
          } finally {
            model.dispose();
          }
        });
      }
    });
  }
});

describe("format quirks", () => {
  it("a .keras archive maps weights by class and position, not by the (renamed) layer names", async () => {
    // Layer names as a student might set them; the second Conv2D in the list is "a_conv".
    const config = k3.sequential([28, 28, 1], [
      L3("Conv2D", { name: "b_conv", filters: 3, kernel_size: [3, 3], activation: "relu" }),
      L3("Conv2D", { name: "a_conv", filters: 5, kernel_size: [3, 3], activation: "relu" }),
      L3("Flatten", { name: "flat" }),
      L3("Dense", { name: "head", units: 10, activation: "softmax" }),
    ]);
    const model = buildModelFromArchitecture(config);
    randomizeWeights(model, 5);
    // model.weights.h5 written by hand, the way Keras 3 lays it out.
    const h5 = await createHdf5();
    const put = (path: string, layer: string) => model.getLayer(layer).getWeights().forEach((t, i) => h5.writeFloats(`${path}/vars/${i}`, t.dataSync() as Float32Array, t.shape));
    put("layers/conv2d", "b_conv");
    put("layers/conv2d_1", "a_conv");
    put("layers/dense", "head");
    h5.ensureGroup("layers/flatten/vars");
    h5.ensureGroup("optimizer/vars");
    const archive = zipSync({
      "metadata.json": strToU8(JSON.stringify({ keras_version: "3.4.1" })),
      "config.json": strToU8(JSON.stringify(config)),
      "model.weights.h5": h5.finish(),
    });
    const pixels = randomPixels(4, [28, 28, 1]);
    const expected = predictDirect(model, pixels, 4, [28, 28, 1]);
    const { predictions } = await loadAndPredict([asFile("my_model.keras", archive)], { dataset: "mnist" }, pixels, 4);
    expect(maxAbsDiff(predictions.outputs, expected)).toBeLessThanOrEqual(1e-6);

    // tf.keras 2.13-2.15 wrote the same layout under "_layer_checkpoint_dependencies".
    const old = await createHdf5();
    const putOld = (path: string, layer: string) => model.getLayer(layer).getWeights().forEach((t, i) => old.writeFloats(`_layer_checkpoint_dependencies/${path}/vars/${i}`, t.dataSync() as Float32Array, t.shape));
    putOld("conv2d", "b_conv");
    putOld("conv2d_1", "a_conv");
    putOld("dense", "head");
    const oldArchive = zipSync({ "metadata.json": strToU8(JSON.stringify({ keras_version: "2.14.0" })), "config.json": strToU8(JSON.stringify(config)), "model.weights.h5": old.finish() });
    const fromOld = await loadAndPredict([asFile("model.keras", oldArchive)], { dataset: "mnist" }, pixels, 4);
    expect(maxAbsDiff(fromOld.predictions.outputs, expected)).toBeLessThanOrEqual(1e-6);
    model.dispose();
  });

  it("TF.js weight names with a model-name prefix load (TF.js 4.22's own loader refuses them)", async () => {
    // Keras 2 dialect topology, which TF.js' own loader understands, so only the names differ.
    const config = k2.sequential([784], [L2("Dense", { name: "dense", units: 16, activation: "relu" }), L2("Dense", { name: "dense_1", units: 10, activation: "softmax" })]);
    const model = buildModelFromArchitecture(config);
    randomizeWeights(model, 2);
    const files = writeTfjsLayersModel(config, model, { weightNamePrefix: "sequential/", converterStyle: true });
    const modelJson = JSON.parse(new TextDecoder().decode(files[0].data));
    expect(modelJson.weightsManifest[0].weights[0].name).toBe("sequential/dense/kernel");

    // TF.js itself: same model.json (plain Keras topology) and weights, loaded its own way.
    const bin = files[1].data;
    const artifacts = { modelTopology: modelJson.modelTopology.model_config, weightSpecs: modelJson.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) };
    await expect(tf.loadLayersModel(tf.io.fromMemory(artifacts))).rejects.toThrow(/sequential\/dense\/kernel/);

    const pixels = randomPixels(4, [28, 28, 1]);
    const expected = predictDirect(model, pixels, 4, [784]);
    const { predictions } = await loadAndPredict(files, { dataset: "mnist" }, pixels, 4);
    expect(maxAbsDiff(predictions.outputs, expected)).toBeLessThanOrEqual(1e-6);
    model.dispose();
  });

  it("reads a model saved by TF.js' own model.save(), and a zipped TF.js folder", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: "relu", name: "conv" }),
        tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
        tf.layers.flatten({ name: "flatten" }),
        tf.layers.dense({ units: 10, activation: "softmax", name: "out" }),
      ],
    });
    randomizeWeights(model, 9);
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
    const artifacts = saved! as tf.io.ModelArtifacts;
    const modelJson = { modelTopology: artifacts.modelTopology, format: "layers-model", generatedBy: "TensorFlow.js tfjs-layers v4.22.0", weightsManifest: [{ paths: ["./weights.bin"], weights: artifacts.weightSpecs }] };
    const files = [asFile("model.json", strToU8(JSON.stringify(modelJson))), asFile("weights.bin", new Uint8Array(artifacts.weightData as ArrayBuffer))];
    const pixels = randomPixels(6, [28, 28, 1]);
    const expected = predictDirect(model, pixels, 6, [28, 28, 1]);
    expect(maxAbsDiff((await loadAndPredict(files, { dataset: "mnist" }, pixels, 6)).predictions.outputs, expected)).toBeLessThanOrEqual(1e-6);

    const zipped = zipSync({ "my_model/model.json": files[0].data, "my_model/weights.bin": files[1].data });
    expect(maxAbsDiff((await loadAndPredict([asFile("my_model.zip", zipped)], { dataset: "mnist" }, pixels, 6)).predictions.outputs, expected)).toBeLessThanOrEqual(1e-6);
    model.dispose();
  });

  it("HDF5 models that declare no input shape: inferred from the dataset and the weights", async () => {
    const mlpLayers = () => [L2("Dense", { name: "dense_1", units: 32, activation: "relu" }), L2("Dense", { name: "dense_2", units: 10, activation: "softmax" })];
    const cnnLayers = () => [L2("Conv2D", { name: "conv2d_1", filters: 4, kernel_size: [3, 3], activation: "relu" }), L2("Flatten", { name: "flatten_1" }), L2("Dense", { name: "dense_1", units: 10, activation: "softmax" })];
    for (const [layers, shape] of [
      [mlpLayers, [784]],
      [cnnLayers, [28, 28, 1]],
    ] as const) {
      const model = buildModelFromArchitecture(k2.sequential([...shape], layers()));
      randomizeWeights(model, 4);
      const withoutShape = k2.sequential(null, layers());
      const h5 = await writeKerasH5(withoutShape, model, { flavor: "keras2" });
      const pixels = randomPixels(5, [28, 28, 1]);
      const expected = predictDirect(model, pixels, 5, [...shape]);
      const { predictions, warnings, summary } = await loadAndPredict([asFile("model.h5", h5)], { dataset: "mnist" }, pixels, 5);
      expect(summary.inputShape).toEqual(shape);
      expect(warnings.map((w) => w.code)).toContain("INPUT_SHAPE_INFERRED");
      expect(maxAbsDiff(predictions.outputs, expected)).toBeLessThanOrEqual(1e-6);
      model.dispose();
    }
  });

  it("a model with a Rescaling layer gets raw pixels, and declaring 1/255 as well is flagged", async () => {
    const config = k3.sequential([28, 28, 1], [L3("Rescaling", { name: "rescaling", scale: 1 / 255, offset: 0 }), L3("Flatten", { name: "flatten" }), L3("Dense", { name: "dense", units: 10, activation: "softmax" })]);
    const model = buildModelFromArchitecture(config);
    randomizeWeights(model, 8);
    const files = [asFile("model.keras", await writeKerasArchive(config, model))];
    const pixels = randomPixels(5, [28, 28, 1]);
    const expected = predictDirect(model, pixels, 5, [28, 28, 1], 1);

    const undeclared = await loadAndPredict(files, { dataset: "mnist" }, pixels, 5);
    expect(undeclared.preprocessing).toBe("raw");
    expect(undeclared.warnings.map((w) => w.code)).toEqual(["RAW_PIXELS_ASSUMED"]);
    expect(maxAbsDiff(undeclared.predictions.outputs, expected)).toBeLessThanOrEqual(1e-6);

    const doubled = await loadAndPredict(files, { dataset: "mnist", preprocessing: "1/255" }, pixels, 5);
    expect(doubled.preprocessing).toBe("1/255");
    const warning = doubled.warnings.find((w) => w.code === "DOUBLE_SCALING");
    expect(warning?.message).toMatch(/layer 'rescaling'.*scaled twice/);
    model.dispose();
  });

  it("TF.js graph models (softmax output, and logits output)", async () => {
    const config = k3.sequential([28, 28, 1], [L3("Flatten", { name: "flatten" }), L3("Dense", { name: "d1", units: 24, activation: "relu" }), L3("Dense", { name: "d2", units: 10, activation: "softmax" })]);
    const model = buildModelFromArchitecture(config);
    randomizeWeights(model, 6);
    const pixels = randomPixels(7, [28, 28, 1]);
    const expected = predictDirect(model, pixels, 7, [28, 28, 1]);

    const withSoftmax = await loadAndPredict(writeGraphModel(model, [28, 28, 1], { softmax: true }), { dataset: "mnist" }, pixels, 7);
    expect(withSoftmax.outputKind).toBe("probabilities");
    expect(withSoftmax.summary.kind).toBe("graph");
    expect(withSoftmax.summary.totalParams).toBe(model.countParams());
    expect(withSoftmax.summary.flopsPerExample).toBe(2 * 784 * 24 + 2 * 24 * 10);
    expect(maxAbsDiff(withSoftmax.predictions.outputs, expected)).toBeLessThanOrEqual(1e-6);

    const logits = await loadAndPredict(writeGraphModel(model, [28, 28, 1], { softmax: false }), { dataset: "mnist" }, pixels, 7);
    expect(logits.outputKind).toBe("logits");
    expect(logits.warnings.map((w) => w.code)).toContain("LOGITS_OUTPUT");
    expect(maxAbsDiff(logits.predictions.probabilities, expected)).toBeLessThanOrEqual(1e-6);
    model.dispose();
  });
});
