/**
 * Keras layer configs -> TF.js layers, one entry per supported Keras class.
 *
 * Each entry reads the options it understands and refuses values it cannot honour (rather
 * than silently building a different layer, which would give a wrong score): groups != 1,
 * channels_first, quantized Dense, ... For every layer with weights it also states the
 * weights' shapes in Keras order (which is TF.js' order too), and its FLOPs per example.
 */
import * as tf from "@tensorflow/tfjs";
import type { Constraint } from "@tensorflow/tfjs-layers/dist/constraints";
import type { Initializer } from "@tensorflow/tfjs-layers/dist/initializers";
import type { Regularizer } from "@tensorflow/tfjs-layers/dist/regularizers";
import { fail, type WarningList } from "@/lib/models/errors";
import { isPlainObject } from "@/lib/models/json";
import { InactiveAtInference, KerasRandomCrop, KerasReLU, registerHoldoutLayers, SpatialDropout2D } from "@/lib/models/layers";
import { TRAINING_AUGMENTATION_CLASSES } from "@/lib/models/layers/augmentation";
import type { LayerSpec, Shape } from "./spec";

export interface TranslateContext {
  warnings: WarningList;
}

export interface WeightSpec {
  /** Keras variable name: kernel, bias, gamma, beta, moving_mean, ... */
  name: string;
  shape: number[];
  trainable: boolean;
}

interface LayerDefinition {
  create(cfg: LayerConfig): tf.layers.Layer;
  /** Weight shapes for the given input shape, in save order. Omitted: no weights. */
  weights?(cfg: LayerConfig, input: Shape): WeightSpec[];
  /** FLOPs per example. Omitted: counted as free (reshapes, dropout, activations). */
  flops?(cfg: LayerConfig, inputs: Shape[], output: Shape): number;
  /** The activation function the layer ends with ("softmax", "linear", ...). */
  activation?(cfg: LayerConfig): string;
  /** Passes values through unchanged at inference (Dropout, Flatten, Reshape, ...). */
  passThrough?: boolean;
}

/** Keras activation names -> TF.js activation identifiers. */
const ACTIVATIONS: Record<string, string> = {
  linear: "linear",
  relu: "relu",
  relu6: "relu6",
  sigmoid: "sigmoid",
  softmax: "softmax",
  tanh: "tanh",
  elu: "elu",
  selu: "selu",
  gelu: "gelu", // TF.js' gelu is the exact (erf) form, Keras' default (approximate=False)
  swish: "swish",
  silu: "swish", // Keras 3 serializes swish as "silu"
  leaky_relu: "leaky_relu", // registered in ../layers (slope 0.2)
  softplus: "softplus",
  softsign: "softsign",
  mish: "mish",
};

/** Reads one layer's Keras config with defaults, in the layer's own words for errors. */
export class LayerConfig {
  constructor(
    readonly spec: LayerSpec,
    readonly ctx: TranslateContext,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get raw(): Record<string, unknown> {
    return this.spec.config;
  }

  refuse(message: string, hint?: string): never {
    fail("UNSUPPORTED_LAYER_OPTION", `Layer '${this.name}' (${this.spec.className}): ${message}`, { location: `layer '${this.name}'`, hint });
  }

  number(key: string, fallback: number): number {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "number" || !Number.isFinite(value)) this.refuse(`option ${key} must be a number, got ${JSON.stringify(value)}.`);
    return value;
  }

  int(key: string, fallback?: number): number {
    const value = this.raw[key] ?? fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      this.refuse(`option ${key} must be a non-negative integer, got ${JSON.stringify(this.raw[key])}.`);
    }
    return value;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.raw[key];
    return typeof value === "boolean" ? value : fallback;
  }

  choice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    const lowered = typeof value === "string" ? value.toLowerCase() : value;
    if (!allowed.includes(lowered as T)) this.refuse(`${key}=${JSON.stringify(value)} is not supported (supported: ${allowed.join(", ")}).`);
    return lowered as T;
  }

  /** An int or a list of `n` ints (kernel_size, strides, ...). */
  ints(key: string, n: number, fallback?: number[]): number[] {
    const value = this.raw[key] ?? fallback;
    const list = typeof value === "number" ? new Array(n).fill(value) : value;
    if (!Array.isArray(list) || list.length !== n || !list.every((v) => Number.isInteger(v) && v > 0)) {
      this.refuse(`option ${key} must be an integer or a list of ${n} integers, got ${JSON.stringify(this.raw[key])}.`);
    }
    return list as number[];
  }

  /** Refuses channels_first: TF.js CPU kernels and our input pipeline are channels_last. */
  channelsLast(): void {
    const format = this.raw.data_format;
    if (format !== undefined && format !== null && format !== "channels_last") {
      this.refuse(`data_format="${String(format)}" is not supported.`, "Build the model with the default data_format='channels_last' and save again.");
    }
  }

  activation(key = "activation"): string {
    const name = activationName(this.raw[key]);
    if (name === null) {
      fail("UNSUPPORTED_ACTIVATION", `Layer '${this.name}' uses an activation Holdout cannot run (${JSON.stringify(this.raw[key])}): custom Python functions cannot be loaded.`, {
        location: `layer '${this.name}'`,
        hint: `Use a built-in activation: ${Object.keys(ACTIVATIONS).join(", ")}.`,
      });
    }
    const mapped = ACTIVATIONS[name];
    if (!mapped) {
      fail("UNSUPPORTED_ACTIVATION", `Layer '${this.name}' uses the activation "${name}", which Holdout does not support.`, {
        location: `layer '${this.name}'`,
        hint: `Use one of: ${Object.keys(ACTIVATIONS).join(", ")}.`,
      });
    }
    return mapped;
  }

  /** Common TF.js layer arguments. */
  base(): { name: string; trainable: boolean } {
    const dtype = dtypeName(this.raw.dtype);
    if (dtype && dtype !== "float32") {
      this.ctx.warnings.add("IGNORED_SETTING", `Layer '${this.name}' declares dtype "${dtype}"; Holdout computes in float32, so results may differ slightly from your notebook.`, {
        location: `layer '${this.name}'`,
      });
    }
    return { name: this.name, trainable: this.bool("trainable", true) };
  }

  initializer(key: string): Initializer | undefined {
    return translateInitializer(this.raw[key], this, key);
  }

  regularizer(key: string): Regularizer | undefined {
    return translateRegularizer(this.raw[key], this, key);
  }

  constraint(key: string): Constraint | undefined {
    return translateConstraint(this.raw[key], this, key);
  }

  /** Refuses an option unless it has its harmless value. */
  requireDefault(key: string, isDefault: (value: unknown) => boolean, why: string, hint?: string): void {
    const value = this.raw[key];
    if (value !== undefined && value !== null && !isDefault(value)) this.refuse(`${key}=${JSON.stringify(value)}: ${why}`, hint);
  }
}

/** "relu" | {class_name: "function", config: "relu"} | null -> name; null when not a built-in name. */
function activationName(value: unknown): string | null {
  if (value === undefined || value === null) return "linear";
  if (typeof value === "string") return value.toLowerCase();
  if (isPlainObject(value)) {
    if (typeof value.config === "string") return value.config.toLowerCase();
    if (isPlainObject(value.config) && typeof value.config.name === "string") return value.config.name.toLowerCase();
    if (typeof value.class_name === "string" && value.class_name !== "function") return value.class_name.toLowerCase();
  }
  return null;
}

function dtypeName(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (isPlainObject(value) && isPlainObject(value.config) && typeof value.config.name === "string") return value.config.name;
  return null;
}

function classAndConfig(value: unknown): { name: string; config: Record<string, unknown> } | null {
  if (typeof value === "string") return { name: value, config: {} };
  if (isPlainObject(value) && typeof value.class_name === "string") {
    return { name: value.class_name, config: isPlainObject(value.config) ? value.config : {} };
  }
  return null;
}

const squash = (name: string) => name.replace(/_/g, "").toLowerCase();
const optionalNumber = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

function translateInitializer(value: unknown, cfg: LayerConfig, key: string): Initializer | undefined {
  const parsed = classAndConfig(value);
  if (!parsed) return undefined;
  const c = parsed.config;
  const seed = optionalNumber(c.seed);
  switch (squash(parsed.name)) {
    case "glorotuniform":
      return tf.initializers.glorotUniform({ seed });
    case "glorotnormal":
      return tf.initializers.glorotNormal({ seed });
    case "heuniform":
      return tf.initializers.heUniform({ seed });
    case "henormal":
      return tf.initializers.heNormal({ seed });
    case "lecununiform":
      return tf.initializers.leCunUniform({ seed });
    case "lecunnormal":
      return tf.initializers.leCunNormal({ seed });
    case "zeros":
    case "zero":
      return tf.initializers.zeros();
    case "ones":
    case "one":
      return tf.initializers.ones();
    case "constant":
      return tf.initializers.constant({ value: optionalNumber(c.value) ?? 0 });
    case "randomnormal":
      return tf.initializers.randomNormal({ mean: optionalNumber(c.mean), stddev: optionalNumber(c.stddev), seed });
    case "randomuniform":
      return tf.initializers.randomUniform({ minval: optionalNumber(c.minval), maxval: optionalNumber(c.maxval), seed });
    case "truncatednormal":
      return tf.initializers.truncatedNormal({ mean: optionalNumber(c.mean), stddev: optionalNumber(c.stddev), seed });
    case "orthogonal":
      return tf.initializers.orthogonal({ gain: optionalNumber(c.gain), seed });
    case "identity":
      return tf.initializers.identity({ gain: optionalNumber(c.gain) });
    case "variancescaling": {
      const modes: Record<string, "fanIn" | "fanOut" | "fanAvg"> = { fan_in: "fanIn", fan_out: "fanOut", fan_avg: "fanAvg" };
      const distribution = String(c.distribution ?? "truncated_normal");
      return tf.initializers.varianceScaling({
        scale: optionalNumber(c.scale) ?? 1,
        mode: modes[String(c.mode ?? "fan_in")] ?? "fanIn",
        // TF.js' "normal" is a truncated normal, the closest to Keras' both normals.
        distribution: distribution === "uniform" ? "uniform" : "normal",
        seed,
      });
    }
    default:
      cfg.ctx.warnings.add("IGNORED_SETTING", `Layer '${cfg.name}': initializer ${parsed.name} (${key}) is unknown here; the default is used. Loaded weights are unaffected.`, {
        location: `layer '${cfg.name}'`,
      });
      return undefined;
  }
}

function translateRegularizer(value: unknown, cfg: LayerConfig, key: string): Regularizer | undefined {
  const parsed = classAndConfig(value);
  if (!parsed) return undefined;
  const c = parsed.config;
  switch (squash(parsed.name)) {
    case "l1":
      return tf.regularizers.l1({ l1: optionalNumber(c.l1) ?? 0.01 });
    case "l2":
      return tf.regularizers.l2({ l2: optionalNumber(c.l2) ?? 0.01 });
    case "l1l2":
      return tf.regularizers.l1l2({ l1: optionalNumber(c.l1) ?? 0, l2: optionalNumber(c.l2) ?? 0 });
    default:
      cfg.ctx.warnings.add("IGNORED_SETTING", `Layer '${cfg.name}': regularizer ${parsed.name} (${key}) is not supported and is ignored (it only matters for training).`, {
        location: `layer '${cfg.name}'`,
      });
      return undefined;
  }
}

function translateConstraint(value: unknown, cfg: LayerConfig, key: string): Constraint | undefined {
  const parsed = classAndConfig(value);
  if (!parsed) return undefined;
  const c = parsed.config;
  const axis = optionalNumber(c.axis);
  switch (squash(parsed.name)) {
    case "maxnorm":
      return tf.constraints.maxNorm({ maxValue: optionalNumber(c.max_value) ?? 2, axis });
    case "nonneg":
      return tf.constraints.nonNeg();
    case "unitnorm":
      return tf.constraints.unitNorm({ axis });
    case "minmaxnorm":
      return tf.constraints.minMaxNorm({ minValue: optionalNumber(c.min_value), maxValue: optionalNumber(c.max_value), rate: optionalNumber(c.rate), axis });
    default:
      cfg.ctx.warnings.add("IGNORED_SETTING", `Layer '${cfg.name}': constraint ${parsed.name} (${key}) is not supported and is ignored (it only matters for training).`, {
        location: `layer '${cfg.name}'`,
      });
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Shape helpers

const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** Elements per example of a shape that includes the batch dimension (unknown dims count as 1). */
export function elementsPerExample(shape: Shape): number {
  return product(shape.slice(1).map((d) => d ?? 1));
}

function lastDim(cfg: LayerConfig, input: Shape): number {
  const d = input[input.length - 1];
  if (typeof d !== "number") cfg.refuse("the size of its input's last dimension is unknown, so its weights cannot be sized.", "Declare the model's input shape (keras.Input(shape=...)).");
  return d;
}

function spatialOutput(output: Shape): number {
  return product(output.slice(1, -1).map((d) => d ?? 1));
}

// ---------------------------------------------------------------------------------------------
// The layers

function denseWeights(cfg: LayerConfig, input: Shape): WeightSpec[] {
  const units = cfg.int("units");
  const weights: WeightSpec[] = [{ name: "kernel", shape: [lastDim(cfg, input), units], trainable: true }];
  if (cfg.bool("use_bias", true)) weights.push({ name: "bias", shape: [units], trainable: true });
  return weights;
}

function convCommon(cfg: LayerConfig) {
  cfg.channelsLast();
  return {
    ...cfg.base(),
    kernelSize: cfg.ints("kernel_size", 2),
    strides: cfg.ints("strides", 2, [1, 1]),
    padding: cfg.choice("padding", ["valid", "same"] as const, "valid"),
    dilationRate: cfg.ints("dilation_rate", 2, [1, 1]) as [number, number],
    activation: cfg.activation() as any,
    useBias: cfg.bool("use_bias", true),
    biasInitializer: cfg.initializer("bias_initializer"),
    biasRegularizer: cfg.regularizer("bias_regularizer"),
    activityRegularizer: cfg.regularizer("activity_regularizer"),
    biasConstraint: cfg.constraint("bias_constraint"),
    dataFormat: "channelsLast" as const,
  };
}

const poolingLayer = (make: (args: any) => tf.layers.Layer): LayerDefinition => ({
  create(cfg) {
    cfg.channelsLast();
    const poolSize = cfg.ints("pool_size", 2, [2, 2]);
    return make({
      ...cfg.base(),
      poolSize,
      strides: cfg.raw.strides == null ? poolSize : cfg.ints("strides", 2),
      padding: cfg.choice("padding", ["valid", "same"] as const, "valid"),
      dataFormat: "channelsLast",
    });
  },
  flops: (cfg, _inputs, output) => product(cfg.ints("pool_size", 2, [2, 2])) * elementsPerExample(output),
});

const globalPoolingLayer = (make: (args: any) => tf.layers.Layer): LayerDefinition => ({
  create(cfg) {
    cfg.channelsLast();
    cfg.requireDefault("keepdims", (v) => v === false, "keepdims=True is not supported.", "Remove keepdims=True (add a Reshape layer if you need the extra dimensions).");
    return make({ ...cfg.base(), dataFormat: "channelsLast" });
  },
  flops: (_cfg, inputs) => elementsPerExample(inputs[0]),
});

const mergeLayer = (make: (args: any) => tf.layers.Layer): LayerDefinition => ({
  create: (cfg) => make({ ...cfg.base() }),
  flops: (_cfg, inputs, output) => Math.max(0, inputs.length - 1) * elementsPerExample(output),
});

const inactiveAtInference: LayerDefinition = {
  create(cfg) {
    const acts = TRAINING_AUGMENTATION_CLASSES.includes(cfg.spec.className as (typeof TRAINING_AUGMENTATION_CLASSES)[number]);
    cfg.ctx.warnings.add(
      "INACTIVE_AT_INFERENCE",
      acts
        ? `Layer '${cfg.name}' (${cfg.spec.className}) only acts during training (as in Keras); it is the identity when scoring.`
        : `Layer '${cfg.name}' (${cfg.spec.className}) is the identity when scoring, and Holdout does not apply it when training a definition either.`,
      { location: `layer '${cfg.name}'` },
    );
    return new InactiveAtInference({ ...cfg.base(), kerasClassName: cfg.spec.className, kerasConfig: cfg.raw as tf.serialization.ConfigDict });
  },
  passThrough: true,
};

const LAYERS: Record<string, LayerDefinition> = {
  Dense: {
    create(cfg) {
      cfg.requireDefault("quantization_config", () => false, "quantized Dense layers are not supported.", "Save the float32 model (before quantizing).");
      cfg.requireDefault("lora_rank", (v) => v === 0, "LoRA-enabled Dense layers are not supported.", "Merge the LoRA weights (layer.enable_lora off) and save again.");
      return tf.layers.dense({
        ...cfg.base(),
        units: cfg.int("units"),
        activation: cfg.activation() as any,
        useBias: cfg.bool("use_bias", true),
        kernelInitializer: cfg.initializer("kernel_initializer"),
        biasInitializer: cfg.initializer("bias_initializer"),
        kernelRegularizer: cfg.regularizer("kernel_regularizer"),
        biasRegularizer: cfg.regularizer("bias_regularizer"),
        activityRegularizer: cfg.regularizer("activity_regularizer"),
        kernelConstraint: cfg.constraint("kernel_constraint"),
        biasConstraint: cfg.constraint("bias_constraint"),
      });
    },
    weights: denseWeights,
    flops: (cfg, inputs, output) => (2 * lastDim(cfg, inputs[0]) + (cfg.bool("use_bias", true) ? 1 : 0)) * elementsPerExample(output),
    activation: (cfg) => cfg.activation(),
  },
  Conv2D: {
    create(cfg) {
      cfg.requireDefault("groups", (v) => v === 1, "grouped convolutions (groups > 1) are not supported.", "Use groups=1, or a DepthwiseConv2D for depthwise convolutions.");
      return tf.layers.conv2d({
        ...convCommon(cfg),
        filters: cfg.int("filters"),
        kernelInitializer: cfg.initializer("kernel_initializer"),
        kernelRegularizer: cfg.regularizer("kernel_regularizer"),
        kernelConstraint: cfg.constraint("kernel_constraint"),
      });
    },
    weights(cfg, input) {
      const filters = cfg.int("filters");
      const weights: WeightSpec[] = [{ name: "kernel", shape: [...cfg.ints("kernel_size", 2), lastDim(cfg, input), filters], trainable: true }];
      if (cfg.bool("use_bias", true)) weights.push({ name: "bias", shape: [filters], trainable: true });
      return weights;
    },
    flops: (cfg, inputs, output) =>
      (2 * product(cfg.ints("kernel_size", 2)) * lastDim(cfg, inputs[0]) + (cfg.bool("use_bias", true) ? 1 : 0)) * elementsPerExample(output),
    activation: (cfg) => cfg.activation(),
  },
  SeparableConv2D: {
    create(cfg) {
      return tf.layers.separableConv2d({
        ...convCommon(cfg),
        filters: cfg.int("filters"),
        depthMultiplier: cfg.int("depth_multiplier", 1),
        depthwiseInitializer: cfg.initializer("depthwise_initializer"),
        pointwiseInitializer: cfg.initializer("pointwise_initializer"),
        depthwiseRegularizer: cfg.regularizer("depthwise_regularizer"),
        pointwiseRegularizer: cfg.regularizer("pointwise_regularizer"),
        depthwiseConstraint: cfg.constraint("depthwise_constraint"),
        pointwiseConstraint: cfg.constraint("pointwise_constraint"),
      });
    },
    weights(cfg, input) {
      const cin = lastDim(cfg, input);
      const dm = cfg.int("depth_multiplier", 1);
      const filters = cfg.int("filters");
      const weights: WeightSpec[] = [
        { name: "depthwise_kernel", shape: [...cfg.ints("kernel_size", 2), cin, dm], trainable: true },
        { name: "pointwise_kernel", shape: [1, 1, cin * dm, filters], trainable: true },
      ];
      if (cfg.bool("use_bias", true)) weights.push({ name: "bias", shape: [filters], trainable: true });
      return weights;
    },
    flops(cfg, inputs, output) {
      const cin = lastDim(cfg, inputs[0]);
      const dm = cfg.int("depth_multiplier", 1);
      const positions = spatialOutput(output);
      const depthwise = 2 * product(cfg.ints("kernel_size", 2)) * cin * dm * positions;
      const pointwise = 2 * cin * dm * cfg.int("filters") * positions;
      return depthwise + pointwise + (cfg.bool("use_bias", true) ? elementsPerExample(output) : 0);
    },
    activation: (cfg) => cfg.activation(),
  },
  DepthwiseConv2D: {
    create(cfg) {
      return tf.layers.depthwiseConv2d({
        ...convCommon(cfg),
        kernelSize: cfg.ints("kernel_size", 2) as [number, number],
        depthMultiplier: cfg.int("depth_multiplier", 1),
        depthwiseInitializer: cfg.initializer("depthwise_initializer"),
        depthwiseRegularizer: cfg.regularizer("depthwise_regularizer"),
        depthwiseConstraint: cfg.constraint("depthwise_constraint"),
      });
    },
    weights(cfg, input) {
      const cin = lastDim(cfg, input);
      const dm = cfg.int("depth_multiplier", 1);
      // Keras 3 names it "kernel", Keras 2 and TF.js "depthwise_kernel"; the order is what counts.
      const weights: WeightSpec[] = [{ name: "depthwise_kernel", shape: [...cfg.ints("kernel_size", 2), cin, dm], trainable: true }];
      if (cfg.bool("use_bias", true)) weights.push({ name: "bias", shape: [cin * dm], trainable: true });
      return weights;
    },
    flops: (cfg, _inputs, output) => (2 * product(cfg.ints("kernel_size", 2)) + (cfg.bool("use_bias", true) ? 1 : 0)) * elementsPerExample(output),
    activation: (cfg) => cfg.activation(),
  },
  MaxPooling2D: poolingLayer((args) => tf.layers.maxPooling2d(args)),
  AveragePooling2D: poolingLayer((args) => tf.layers.averagePooling2d(args)),
  GlobalAveragePooling2D: globalPoolingLayer((args) => tf.layers.globalAveragePooling2d(args)),
  GlobalMaxPooling2D: globalPoolingLayer((args) => tf.layers.globalMaxPooling2d(args)),
  Flatten: {
    create(cfg) {
      cfg.channelsLast();
      return tf.layers.flatten({ ...cfg.base() });
    },
    passThrough: true,
  },
  Reshape: {
    create(cfg) {
      const target = cfg.raw.target_shape;
      if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d))) cfg.refuse(`target_shape must be a list of integers, got ${JSON.stringify(target)}.`);
      return tf.layers.reshape({ ...cfg.base(), targetShape: target as number[] });
    },
    passThrough: true,
  },
  Dropout: {
    create: (cfg) => tf.layers.dropout({ ...cfg.base(), rate: cfg.number("rate", 0.5) }),
    passThrough: true,
  },
  SpatialDropout2D: {
    create(cfg) {
      cfg.channelsLast();
      return new SpatialDropout2D({ ...cfg.base(), rate: cfg.number("rate", 0.5) });
    },
    passThrough: true,
  },
  GaussianNoise: { create: (cfg) => tf.layers.gaussianNoise({ ...cfg.base(), stddev: cfg.number("stddev", 0.1) }), passThrough: true },
  GaussianDropout: { create: (cfg) => tf.layers.gaussianDropout({ ...cfg.base(), rate: cfg.number("rate", 0.1) }), passThrough: true },
  AlphaDropout: { create: (cfg) => tf.layers.alphaDropout({ ...cfg.base(), rate: cfg.number("rate", 0.1) }), passThrough: true },
  BatchNormalization: {
    create(cfg) {
      cfg.requireDefault("renorm", (v) => v === false, "batch renormalization is not supported.");
      cfg.requireDefault("virtual_batch_size", () => false, "virtual_batch_size is not supported.");
      return tf.layers.batchNormalization({
        ...cfg.base(),
        axis: batchNormAxis(cfg),
        momentum: cfg.number("momentum", 0.99),
        epsilon: cfg.number("epsilon", 1e-3),
        center: cfg.bool("center", true),
        scale: cfg.bool("scale", true),
        betaInitializer: cfg.initializer("beta_initializer"),
        gammaInitializer: cfg.initializer("gamma_initializer"),
        movingMeanInitializer: cfg.initializer("moving_mean_initializer"),
        movingVarianceInitializer: cfg.initializer("moving_variance_initializer"),
        betaRegularizer: cfg.regularizer("beta_regularizer"),
        gammaRegularizer: cfg.regularizer("gamma_regularizer"),
        betaConstraint: cfg.constraint("beta_constraint"),
        gammaConstraint: cfg.constraint("gamma_constraint"),
      });
    },
    weights(cfg, input) {
      const channels = normalizedAxisSize(cfg, input, batchNormAxis(cfg));
      const weights: WeightSpec[] = [];
      if (cfg.bool("scale", true)) weights.push({ name: "gamma", shape: [channels], trainable: true });
      if (cfg.bool("center", true)) weights.push({ name: "beta", shape: [channels], trainable: true });
      weights.push({ name: "moving_mean", shape: [channels], trainable: false });
      weights.push({ name: "moving_variance", shape: [channels], trainable: false });
      return weights;
    },
    flops: (_cfg, _inputs, output) => 2 * elementsPerExample(output),
  },
  LayerNormalization: {
    create(cfg) {
      cfg.requireDefault("rms_scaling", (v) => v === false, "rms_scaling=True is not supported.");
      const axis = cfg.raw.axis;
      if (Array.isArray(axis) && axis.length !== 1) cfg.refuse("normalizing over several axes is not supported.", "Use axis=-1.");
      return tf.layers.layerNormalization({
        ...cfg.base(),
        axis: Array.isArray(axis) ? (axis[0] as number) : typeof axis === "number" ? axis : -1,
        epsilon: cfg.number("epsilon", 1e-3),
        center: cfg.bool("center", true),
        scale: cfg.bool("scale", true),
        betaInitializer: cfg.initializer("beta_initializer"),
        gammaInitializer: cfg.initializer("gamma_initializer"),
      });
    },
    weights(cfg, input) {
      const axis = Array.isArray(cfg.raw.axis) ? (cfg.raw.axis[0] as number) : typeof cfg.raw.axis === "number" ? cfg.raw.axis : -1;
      const channels = normalizedAxisSize(cfg, input, axis);
      const weights: WeightSpec[] = [];
      if (cfg.bool("scale", true)) weights.push({ name: "gamma", shape: [channels], trainable: true });
      if (cfg.bool("center", true)) weights.push({ name: "beta", shape: [channels], trainable: true });
      return weights;
    },
    flops: (_cfg, _inputs, output) => 5 * elementsPerExample(output),
  },
  Activation: {
    create: (cfg) => tf.layers.activation({ ...cfg.base(), activation: cfg.activation() as any }),
    activation: (cfg) => cfg.activation(),
  },
  ReLU: {
    create(cfg) {
      const maxValue = cfg.raw.max_value == null ? null : cfg.number("max_value", 0);
      const negativeSlope = cfg.number("negative_slope", 0);
      const threshold = cfg.number("threshold", 0);
      if (negativeSlope === 0 && threshold === 0) return tf.layers.reLU({ ...cfg.base(), maxValue: maxValue ?? undefined });
      return new KerasReLU({ ...cfg.base(), maxValue, negativeSlope, threshold });
    },
    activation: () => "relu",
  },
  LeakyReLU: {
    // Keras 3 calls the slope negative_slope, Keras 2 alpha; both default to 0.3.
    create: (cfg) => tf.layers.leakyReLU({ ...cfg.base(), alpha: cfg.number("negative_slope", cfg.number("alpha", 0.3)) }),
    activation: () => "leaky_relu",
  },
  ELU: { create: (cfg) => tf.layers.elu({ ...cfg.base(), alpha: cfg.number("alpha", 1) }), activation: () => "elu" },
  Softmax: {
    create(cfg) {
      const axis = cfg.raw.axis;
      if (Array.isArray(axis) && axis.length !== 1) cfg.refuse("softmax over several axes is not supported.");
      return tf.layers.softmax({ ...cfg.base(), axis: Array.isArray(axis) ? (axis[0] as number) : typeof axis === "number" ? axis : -1 });
    },
    activation: () => "softmax",
  },
  Rescaling: {
    create(cfg) {
      if (typeof cfg.raw.scale !== "number") cfg.refuse(`per-channel scale ${JSON.stringify(cfg.raw.scale)} is not supported.`, "Use a single number, e.g. Rescaling(1/255).");
      return tf.layers.rescaling({ ...cfg.base(), scale: cfg.number("scale", 1), offset: cfg.number("offset", 0) });
    },
    flops: (_cfg, _inputs, output) => 2 * elementsPerExample(output),
  },
  ZeroPadding2D: {
    create(cfg) {
      cfg.channelsLast();
      const padding = cfg.raw.padding ?? 1;
      return tf.layers.zeroPadding2d({ ...cfg.base(), padding: padding as any, dataFormat: "channelsLast" });
    },
  },
  Cropping2D: {
    create(cfg) {
      cfg.channelsLast();
      return tf.layers.cropping2D({ ...cfg.base(), cropping: (cfg.raw.cropping ?? 0) as any, dataFormat: "channelsLast" });
    },
  },
  UpSampling2D: {
    create(cfg) {
      cfg.channelsLast();
      return tf.layers.upSampling2d({
        ...cfg.base(),
        size: cfg.ints("size", 2, [2, 2]),
        interpolation: cfg.choice("interpolation", ["nearest", "bilinear"] as const, "nearest"),
        dataFormat: "channelsLast",
      });
    },
  },
  Add: mergeLayer((args) => tf.layers.add(args)),
  Multiply: mergeLayer((args) => tf.layers.multiply(args)),
  Average: mergeLayer((args) => tf.layers.average(args)),
  Maximum: mergeLayer((args) => tf.layers.maximum(args)),
  Minimum: mergeLayer((args) => tf.layers.minimum(args)),
  Concatenate: { create: (cfg) => tf.layers.concatenate({ ...cfg.base(), axis: typeof cfg.raw.axis === "number" ? cfg.raw.axis : -1 }) },
  RandomFlip: inactiveAtInference,
  RandomRotation: inactiveAtInference,
  RandomZoom: inactiveAtInference,
  RandomTranslation: inactiveAtInference,
  RandomCrop: {
    create(cfg) {
      cfg.channelsLast();
      cfg.ctx.warnings.add(
        "INACTIVE_AT_INFERENCE",
        `Layer '${cfg.name}' (RandomCrop) crops at random only during training; when scoring it resizes like Keras (the central window with the target's aspect ratio, resized to ${cfg.int("height")}x${cfg.int("width")}; unchanged at that size).`,
        { location: `layer '${cfg.name}'` },
      );
      return new KerasRandomCrop({ ...cfg.base(), height: cfg.int("height"), width: cfg.int("width"), seed: typeof cfg.raw.seed === "number" ? cfg.raw.seed : null });
    },
  },
  RandomContrast: inactiveAtInference,
  RandomBrightness: inactiveAtInference,
};

function normalizedAxisSize(cfg: LayerConfig, input: Shape, axis: number): number {
  const size = input[axis < 0 ? input.length + axis : axis];
  if (typeof size !== "number") cfg.refuse("the size of the normalized axis is unknown.");
  return size;
}

function batchNormAxis(cfg: LayerConfig): number {
  const axis = cfg.raw.axis ?? -1;
  const value = Array.isArray(axis) ? (axis.length === 1 ? axis[0] : null) : axis;
  if (typeof value !== "number") cfg.refuse(`axis=${JSON.stringify(axis)} is not supported (one axis only).`);
  return value;
}

/** Older and alternative Keras names for the same classes. */
const ALIASES: Record<string, string> = {
  Convolution2D: "Conv2D",
  SeparableConvolution2D: "SeparableConv2D",
  MaxPool2D: "MaxPooling2D",
  AvgPool2D: "AveragePooling2D",
  GlobalAvgPool2D: "GlobalAveragePooling2D",
  GlobalMaxPool2D: "GlobalMaxPooling2D",
  Concat: "Concatenate",
};

export const SUPPORTED_LAYER_CLASSES = ["InputLayer", ...Object.keys(LAYERS)];

/** The supported Keras class for a name, aliases resolved; null when unsupported. */
export function canonicalLayerClass(className: string): string | null {
  if (className === "InputLayer") return className;
  const resolved = ALIASES[className] ?? className;
  return resolved in LAYERS ? resolved : null;
}

function definition(spec: LayerSpec): LayerDefinition {
  const def = LAYERS[spec.className];
  if (!def) fail("UNSUPPORTED_LAYER", `Layer '${spec.name}' has type ${spec.className}, which Holdout does not support.`, { location: `layer '${spec.name}'` });
  return def;
}

/** A new, unbuilt TF.js layer for a Keras layer spec (InputLayer and models are built elsewhere). */
export function createTfLayer(spec: LayerSpec, ctx: TranslateContext): tf.layers.Layer {
  registerHoldoutLayers();
  const cfg = new LayerConfig(spec, ctx);
  try {
    return definition(spec).create(cfg);
  } catch (error) {
    if (error instanceof Error && error.name === "SubmissionError") throw error;
    // TF.js validates arguments in layer constructors; its message names the problem.
    fail("UNSUPPORTED_LAYER_OPTION", `Layer '${spec.name}' (${spec.className}) cannot be built: ${error instanceof Error ? error.message : String(error)}`, {
      location: `layer '${spec.name}'`,
    });
  }
}

export function layerWeightSpecs(spec: LayerSpec, input: Shape, ctx: TranslateContext): WeightSpec[] {
  const def = definition(spec);
  if (!def.weights) return [];
  const cfg = new LayerConfig(spec, ctx);
  const weights = def.weights(cfg, input);
  if (!cfg.bool("trainable", true)) return weights.map((w) => ({ ...w, trainable: false }));
  return weights;
}

export function layerFlops(spec: LayerSpec, inputs: Shape[], output: Shape, ctx: TranslateContext): number {
  const def = definition(spec);
  return def.flops ? def.flops(new LayerConfig(spec, ctx), inputs, output) : 0;
}

/** The activation a layer applies last, or null when it passes values through unchanged. */
export function layerActivation(spec: LayerSpec, ctx: TranslateContext): string | null {
  const def = definition(spec);
  if (def.passThrough) return null;
  return def.activation ? def.activation(new LayerConfig(spec, ctx)) : "linear";
}
