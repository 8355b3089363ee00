/**
 * Reading Keras configs in both dialects, the .keras variable naming, and the numerical
 * behaviour of the layers/activations Holdout adds or maps (compared with Keras' formulas).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { buildModelFromArchitecture, type ModelValidationWarning } from "@/lib/models";
import { WarningList } from "@/lib/models/errors";
import { parseKerasModelConfig, unwrapModelConfig } from "@/lib/models/keras/config";
import { analyzeModel, toSnakeCase } from "@/lib/models/keras/model";
import { useWasmBackend } from "./helpers/data";
import { k2, k3, nested } from "./helpers/keras-configs";

beforeAll(useWasmBackend);

const L3 = k3.layer;

describe("Keras config dialects", () => {
  it("names variables in .keras archives like Keras' to_snake_case", () => {
    const expected: Record<string, string> = {
      Conv2D: "conv2d",
      Dense: "dense",
      BatchNormalization: "batch_normalization",
      MaxPooling2D: "max_pooling2d",
      SeparableConv2D: "separable_conv2d",
      DepthwiseConv2D: "depthwise_conv2d",
      GlobalAveragePooling2D: "global_average_pooling2d",
      ReLU: "re_lu",
      LeakyReLU: "leaky_re_lu",
      ZeroPadding2D: "zero_padding2d",
      Sequential: "sequential",
      Functional: "functional",
    };
    for (const [className, snake] of Object.entries(expected)) expect(toSnakeCase(className)).toBe(snake);
  });

  it("derives archive paths from class and position, nested models included", () => {
    const config = k3.functional(
      [28, 28, 1],
      [
        { layer: L3("Conv2D", { name: "first", filters: 2, kernel_size: 3 }), inputs: ["input"] },
        { layer: nested("feature_block", k3.sequential([26, 26, 2], [L3("Conv2D", { name: "inner", filters: 2, kernel_size: 3 }), L3("Flatten", { name: "f" })])), inputs: ["first"] },
        { layer: L3("Dense", { name: "head", units: 10 }), inputs: ["feature_block"] },
      ],
      "head",
    );
    const spec = parseKerasModelConfig(config, "config.json");
    const analysis = analyzeModel(spec, [28, 28, 1], { warnings: new WarningList() });
    const paths = Object.fromEntries(analysis.layers.map((l) => [l.path.join("/"), l.archivePath]));
    expect(paths).toMatchObject({
      first: "layers/conv2d",
      feature_block: "layers/sequential",
      "feature_block/inner": "layers/sequential/layers/conv2d",
      "feature_block/f": "layers/sequential/layers/flatten",
      head: "layers/dense",
    });
  });

  it("reads Keras 3 (batch_shape, DTypePolicy, {args, kwargs} nodes) and Keras 2 (batch_input_shape, nested lists) alike", () => {
    const k3spec = parseKerasModelConfig(k3.functional([28, 28, 1], [{ layer: L3("Add", { name: "add" }), inputs: ["input", "input"] }], "add"), "x");
    expect(k3spec.declaredInputShape).toEqual([28, 28, 1]);
    expect(k3spec.layers.find((l) => l.name === "add")?.calls).toEqual([[{ layer: "input_layer", node: 0, tensor: 0 }, { layer: "input_layer", node: 0, tensor: 0 }]]);
    const k2spec = parseKerasModelConfig(k2.functional([784], [{ layer: k2.layer("Dense", { name: "d", units: 10 }), inputs: ["input"] }], "d"), "x");
    expect(k2spec.declaredInputShape).toEqual([784]);
    expect(k2spec.inputs).toEqual([{ layer: "input_1", node: 0, tensor: 0 }]);
    // Keras 3 writes a single input/output as a bare ["name", 0, 0].
    const single = k3.functional([784], [{ layer: L3("Dense", { name: "d", units: 10 }), inputs: ["input"] }], "d");
    (single.config as Record<string, unknown>).input_layers = ["input_layer", 0, 0];
    (single.config as Record<string, unknown>).output_layers = ["d", 0, 0];
    expect(parseKerasModelConfig(single, "x").outputs).toEqual([{ layer: "d", node: 0, tensor: 0 }]);
  });

  it("accepts the wrappers and old forms found in the wild", () => {
    const inner = k2.sequential([784], [k2.layer("Convolution2D", { name: "c", filters: 1, kernel_size: 1 })]);
    expect(unwrapModelConfig({ keras_version: "2.4.0", backend: "tensorflow", model_config: inner })).toBe(inner);
    expect(parseKerasModelConfig({ model_config: inner }, "x").layers[0].className).toBe("Conv2D");
    // Keras <= 2.1: a Sequential's config is the bare list of layers.
    const old = { class_name: "Sequential", config: [{ class_name: "Dense", config: { name: "dense_1", units: 10, batch_input_shape: [null, 784] } }] };
    expect(parseKerasModelConfig(old, "x").declaredInputShape).toEqual([784]);
    // A built Keras 3 Sequential without an InputLayer still records its build shape.
    const built = k3.sequential(null, [L3("Dense", { name: "d", units: 10 })]);
    (built.config as Record<string, unknown>).build_input_shape = [null, 784];
    expect(parseKerasModelConfig(built, "x").declaredInputShape).toEqual([784]);
  });

  it("computes in float32 but warns about a mixed-precision policy", () => {
    const config = k3.sequential([784], [L3("Dense", { name: "d", units: 10, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "mixed_float16" } } })]);
    const warnings: ModelValidationWarning[] = [];
    buildModelFromArchitecture(config, { warnings }).dispose();
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining(`Layer 'd' declares dtype "mixed_float16"`)]);
  });
});

// Keras' formulas, for comparison.
const erf = (x: number) => {
  // Abramowitz-Stegun 7.1.26 is not precise enough; use the series / continued fraction split.
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = 0;
    let term = t;
    for (let n = 0; n < 60; n++) {
      sum += term / (2 * n + 1);
      term *= (-t * t) / (n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let cf = 0;
  for (let n = 60; n >= 1; n--) cf = n / 2 / (t + cf);
  return Math.sign(x) * (1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + cf));
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const KERAS_ACTIVATIONS: Record<string, (x: number) => number> = {
  relu: (x) => Math.max(0, x),
  sigmoid,
  tanh: Math.tanh,
  elu: (x) => (x > 0 ? x : Math.exp(x) - 1),
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  leaky_relu: (x) => (x > 0 ? x : 0.2 * x),
  swish: (x) => x * sigmoid(x),
  silu: (x) => x * sigmoid(x),
  softplus: (x) => Math.log1p(Math.exp(x)),
  linear: (x) => x,
};

function runLayer(config: Record<string, unknown>, input: number[], shape: number[], training = false): Float32Array {
  const model = buildModelFromArchitecture(k3.sequential(shape, [L3(String(config.className), config.config as Record<string, unknown>)]));
  try {
    return tf.tidy(() => {
      const x = tf.tensor(input, [1, ...shape]);
      const y = training ? (model.apply(x, { training: true }) as tf.Tensor) : (model.predict(x) as tf.Tensor);
      return y.dataSync() as Float32Array;
    });
  } finally {
    model.dispose();
  }
}

describe("layer and activation semantics match Keras", () => {
  const xs = [-4, -2.5, -1, -0.3, 0, 0.2, 0.7, 1.5, 3, 6.5];

  for (const [name, formula] of Object.entries(KERAS_ACTIVATIONS)) {
    it(`activation "${name}"`, () => {
      const out = runLayer({ className: "Activation", config: { name: "act", activation: name } }, xs, [xs.length]);
      xs.forEach((x, i) => expect(out[i]).toBeCloseTo(formula(x), 5));
    });
  }

  it("LeakyReLU layer (Keras 3 negative_slope, Keras 2 alpha, default 0.3)", () => {
    expect(runLayer({ className: "LeakyReLU", config: { name: "l", negative_slope: 0.1 } }, [-2, 3], [2])).toEqual(new Float32Array([-0.2, 3]).map(Math.fround));
    expect(Array.from(runLayer({ className: "LeakyReLU", config: { name: "l", alpha: 0.05 } }, [-2, 3], [2]))).toEqual([Math.fround(-0.1), 3]);
    expect(Array.from(runLayer({ className: "LeakyReLU", config: { name: "l" } }, [-1, 3], [2]))).toEqual([Math.fround(-0.3), 3]);
  });

  it("ReLU layer with max_value, negative_slope and threshold", () => {
    const keras = (x: number) => (x >= 6 ? 6 : x >= 0.5 ? x : 0.1 * (x - 0.5));
    const out = runLayer({ className: "ReLU", config: { name: "r", max_value: 6, negative_slope: 0.1, threshold: 0.5 } }, xs, [xs.length]);
    xs.forEach((x, i) => expect(out[i]).toBeCloseTo(keras(x), 6));
  });

  it("Rescaling, Softmax and BatchNormalization (inference, epsilon from the config)", () => {
    expect(Array.from(runLayer({ className: "Rescaling", config: { name: "s", scale: 1 / 127.5, offset: -1 } }, [0, 127.5, 255], [3]))).toEqual([-1, 0, 1]);
    const soft = runLayer({ className: "Softmax", config: { name: "s" } }, [1, 2, 3], [3]);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    [1, 2, 3].forEach((v, i) => expect(soft[i]).toBeCloseTo(Math.exp(v) / z, 6));

    const model = buildModelFromArchitecture(k3.sequential([2], [L3("BatchNormalization", { name: "bn", epsilon: 1e-5 })]));
    model.getLayer("bn").setWeights([tf.tensor([2, 3]), tf.tensor([0.5, -1]), tf.tensor([1, -2]), tf.tensor([4, 0.25])]);
    const y = tf.tidy(() => (model.predict(tf.tensor([[3, 0]])) as tf.Tensor).dataSync());
    expect(y[0]).toBeCloseTo(((3 - 1) / Math.sqrt(4 + 1e-5)) * 2 + 0.5, 5);
    expect(y[1]).toBeCloseTo(((0 + 2) / Math.sqrt(0.25 + 1e-5)) * 3 - 1, 5);
    model.dispose();
  });

  it("SpatialDropout2D: identity at inference, drops whole channels in training", () => {
    const input = Array.from({ length: 4 * 4 * 16 }, (_, i) => 1 + (i % 7));
    const layer = { className: "SpatialDropout2D", config: { name: "sd", rate: 0.5 } };
    expect(Array.from(runLayer(layer, input, [4, 4, 16]))).toEqual(input);
    const trained = runLayer(layer, input, [4, 4, 16], true);
    for (let c = 0; c < 16; c++) {
      const ratios = Array.from({ length: 16 }, (_, p) => trained[p * 16 + c] / input[p * 16 + c]);
      expect(new Set(ratios).size).toBe(1); // the whole feature map is kept (x2) or dropped (0)
      expect([0, 2]).toContain(ratios[0]);
    }
  });
});
