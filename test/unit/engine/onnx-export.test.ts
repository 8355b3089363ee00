/**
 * The ONNX exporter layer by layer: small models with random weights (and random BatchNorm
 * statistics) run on random inputs by TF.js and by ONNX Runtime on the exported model; the
 * outputs must agree to float32 rounding. The cases are the ones that go wrong silently:
 * TF's "same" padding with even kernels and stride 2, AveragePool at the border, Flatten's
 * element order before Dense, BatchNormalization, depthwise channel order, merges in NCHW.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { chooseScorer, createOnnxScorer, exportLayersModel, OnnxExportRefused, tfPads } from "@/lib/engine/onnx";
import { KerasReLU, registerHoldoutLayers, SpatialDropout2D } from "@/lib/models/layers";
import { useWasmBackend } from "@/test/unit/models/helpers/data";

beforeAll(async () => {
  await useWasmBackend();
  registerHoldoutLayers();
});

/** Deterministic pseudo-random values in [-scale, scale]. */
function randomValues(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = ((state / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** Random weights for every layer (BatchNorm variances positive). */
function randomize(model: tf.LayersModel, seed = 7) {
  let s = seed;
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      randomize(layer, s++ * 31);
      continue;
    }
    const weights = layer.getWeights().map((w, i) => {
      const name = layer.weights[i].name;
      const values = randomValues(w.size, s++ * 101 + i, 0.5);
      if (name.includes("variance")) for (let j = 0; j < values.length; j++) values[j] = 0.5 + Math.abs(values[j]);
      return tf.tensor(values, w.shape);
    });
    if (weights.length) layer.setWeights(weights);
    tf.dispose(weights);
  }
}

async function expectSameOutputs(model: tf.LayersModel, n = 6, tolerance = 1e-4): Promise<Record<string, number>> {
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const per = inputShape.reduce((a, b) => a * b, 1);
  const values = randomValues(n * per, 12345);
  const exported = exportLayersModel(model);
  const scorer = await createOnnxScorer(exported.bytes, exported.inputShape, exported.inputName, exported.outputName);
  try {
    const ours = await scorer.run(values, n);
    const reference = tf.tidy(() => (model.predict(tf.tensor(values, [n, ...inputShape])) as tf.Tensor).dataSync() as Float32Array);
    expect(ours.length).toBe(reference.length);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - reference[i]) / Math.max(1, Math.abs(reference[i])));
    expect(worst).toBeLessThan(tolerance);
  } finally {
    await scorer.release();
  }
  return exported.ops;
}

function sequential(inputShape: number[], layers: tf.layers.Layer[]): tf.LayersModel {
  const model = tf.sequential();
  layers.forEach((layer, i) => {
    if (i === 0) model.add(tf.layers.inputLayer({ inputShape }));
    model.add(layer);
  });
  randomize(model);
  return model;
}

describe("TF's same padding, written out", () => {
  it("puts the odd pixel at the end", () => {
    // 7 wide, kernel 4, stride 2: 4 outputs, total padding 3 -> 1 before, 2 after.
    expect(tfPads("same", [7, 7], [4, 4], [2, 2])).toEqual([1, 1, 2, 2]);
    expect(tfPads("same", [28, 28], [3, 3], [1, 1])).toEqual([1, 1, 1, 1]);
    expect(tfPads("same", [6, 6], [2, 2], [2, 2])).toEqual([0, 0, 0, 0]);
    expect(tfPads("same", [5, 5], [3, 3], [1, 1], [2, 2])).toEqual([2, 2, 2, 2]);
    expect(tfPads("valid", [5, 5], [3, 3], [1, 1])).toEqual([0, 0, 0, 0]);
  });
});

describe("exported layers compute what TF.js computes", () => {
  it("Conv2D same with even kernels and stride 2 (odd and even sizes), dilation, then Flatten -> Dense", async () => {
    const model = sequential(
      [9, 7, 3],
      [
        tf.layers.conv2d({ filters: 5, kernelSize: 4, strides: 2, padding: "same", activation: "relu" }),
        tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], strides: [2, 1], padding: "same" }),
        tf.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: "same", activation: "tanh" }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 6, activation: "softmax" }),
      ],
    );
    const ops = await expectSameOutputs(model);
    expect(ops.Transpose).toBe(2);
  });

  it("AveragePooling2D at the border (padded cells not counted), MaxPooling2D same, global pooling", async () => {
    const model = sequential(
      [7, 7, 2],
      [
        tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "same" }),
        tf.layers.flatten(),
      ],
    );
    await expectSameOutputs(model);
    const global = sequential([5, 6, 4], [tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: "same" }), tf.layers.globalAveragePooling2d({})]);
    await expectSameOutputs(global);
    await expectSameOutputs(sequential([5, 6, 4], [tf.layers.globalMaxPooling2d({})]));
  });

  it("Flatten keeps Keras' NHWC order so the Dense rows line up", async () => {
    const model = sequential([4, 3, 5], [tf.layers.conv2d({ filters: 6, kernelSize: 1 }), tf.layers.flatten(), tf.layers.dense({ units: 3 })]);
    await expectSameOutputs(model);
  });

  it("BatchNormalization (the ONNX op) after convolutions and on features, with and without scale/center", async () => {
    const model = sequential(
      [8, 8, 3],
      [
        tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", useBias: false }),
        tf.layers.batchNormalization({ epsilon: 1e-3 }),
        tf.layers.activation({ activation: "relu" }),
        tf.layers.conv2d({ filters: 4, kernelSize: 3 }),
        tf.layers.batchNormalization({ scale: false, center: false, epsilon: 1e-5 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 8 }),
        tf.layers.batchNormalization({}),
        tf.layers.dense({ units: 3, activation: "softmax" }),
      ],
    );
    const ops = await expectSameOutputs(model);
    expect(ops.BatchNormalization).toBe(3);
  });

  it("DepthwiseConv2D (depth multiplier 2, stride 2, same) and SeparableConv2D", async () => {
    const model = sequential(
      [9, 9, 3],
      [
        tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: "same", activation: "relu6" }),
        tf.layers.separableConv2d({ filters: 5, kernelSize: 2, depthMultiplier: 1, padding: "same", activation: "elu" }),
        tf.layers.flatten(),
      ],
    );
    await expectSameOutputs(model);
  });

  it("padding, cropping, upsampling, reshape, rescaling and every activation", async () => {
    const model = sequential(
      [6, 5, 2],
      [
        tf.layers.rescaling({ scale: 1 / 255, offset: -0.5 }),
        tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }),
        tf.layers.cropping2D({ cropping: [[0, 1], [2, 0]] }),
        tf.layers.upSampling2d({ size: [2, 3] }),
        tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, activation: "selu" }),
        tf.layers.leakyReLU({ alpha: 0.1 }),
        tf.layers.elu({}),
        tf.layers.activation({ activation: "softplus" }),
        tf.layers.activation({ activation: "swish" }),
        tf.layers.activation({ activation: "mish" }),
        tf.layers.activation({ activation: "gelu" }),
        tf.layers.activation({ activation: "softsign" }),
        tf.layers.activation({ activation: "sigmoid" }),
        tf.layers.reLU({ maxValue: 0.6 }),
        new KerasReLU({ maxValue: 0.55, negativeSlope: 0.1, threshold: 0.2 }),
        new SpatialDropout2D({ rate: 0.3 }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.reshape({ targetShape: [56, 3] }),
        tf.layers.softmax({ axis: -1 }),
        tf.layers.flatten(),
      ],
    );
    await expectSameOutputs(model);
    await expectSameOutputs(sequential([4, 4, 3], [tf.layers.activation({ activation: "leaky_relu" as unknown as "relu" }), tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: "softmax" })]));
    await expectSameOutputs(sequential([3, 5, 2], [tf.layers.upSampling2d({ size: [2, 3], interpolation: "bilinear" }), tf.layers.flatten()]));
  });

  it("functional graphs: Add, Concatenate (channel axis in NCHW), Multiply, Average, Maximum, LayerNormalization, nested models", async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu" }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 4, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    const added = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ axis: -1 }).apply([added, a]) as tf.SymbolicTensor;
    const inner = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 8], filters: 8, kernelSize: 3, padding: "same" }), tf.layers.batchNormalization()] });
    const nested = inner.apply(joined) as tf.SymbolicTensor;
    const product = tf.layers.multiply().apply([nested, joined]) as tf.SymbolicTensor;
    const mean = tf.layers.average().apply([product, nested]) as tf.SymbolicTensor;
    const biggest = tf.layers.maximum().apply([mean, joined]) as tf.SymbolicTensor;
    const pooled = tf.layers.maxPooling2d({ poolSize: 2 }).apply(biggest) as tf.SymbolicTensor;
    const rows = tf.layers.concatenate({ axis: 1 }).apply([pooled, pooled]) as tf.SymbolicTensor;
    const normalized = tf.layers.layerNormalization({ axis: -1 }).apply(rows) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(normalized) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 4, activation: "softmax" }).apply(flat) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    randomize(model);
    await expectSameOutputs(model);
  });

  it("a flat (784) MLP", async () => {
    await expectSameOutputs(sequential([784], [tf.layers.dense({ units: 32, activation: "relu" }), tf.layers.dense({ units: 10 })]));
  });
});

describe("what the exporter cannot translate", () => {
  it("is refused with the layer's name and type, and the scorer falls back to TF.js saying why", async () => {
    const model = sequential([6, 4], [tf.layers.permute({ dims: [2, 1], name: "swap_axes" }), tf.layers.flatten(), tf.layers.dense({ units: 3 })]);
    expect(() => exportLayersModel(model)).toThrow(OnnxExportRefused);
    expect(() => exportLayersModel(model)).toThrow(/layer 'swap_axes' \(Permute\)/);
    const loaded = { kind: "layers" as const, model, inputShape: [6, 4], numClasses: 3, predictBatch: async (x: tf.Tensor) => model.predict(x) as tf.Tensor };
    const choice = await chooseScorer(loaded, randomValues(24 * 2, 3));
    expect(choice.scorer).toBeNull();
    expect(choice.fallbackReason).toMatch(/^exporter refused layer 'swap_axes' \(Permute\)/);
    const graph = await chooseScorer({ ...loaded, kind: "graph" }, new Float32Array(0));
    expect(graph.fallbackReason).toBe("TF.js graph models are not exported to ONNX");
    const forced = await chooseScorer(loaded, new Float32Array(0), { engine: "tfjs" });
    expect(forced.fallbackReason).toBe("HOLDOUT_SCORING_ENGINE=tfjs");
  });
});
