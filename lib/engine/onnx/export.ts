/**
 * A loaded TF.js LayersModel (what lib/models builds from every format: Keras .keras, .h5, TF.js
 * layers) -> an ONNX model (IR version 8, opset 17), in TypeScript, from the model's own graph
 * and weights.
 *
 * Layout: the graph takes NHWC input exactly as TF.js does (the same preprocessed buffer), and
 * every rank-4 tensor is moved to NCHW, ONNX's native layout for Conv/Pool/BatchNormalization,
 * the first time an NCHW op needs it. Layers that depend on Keras' element order (Flatten,
 * Reshape, Dense on a feature map, LayerNormalization) get the tensor back in NHWC first, so
 * the Dense weights after a Flatten line up; element-wise layers keep whatever layout they get.
 *
 * Exactness, as Keras / TF.js compute it:
 * - "same" padding is written out as explicit pads, TF's way: the odd pixel goes at the end
 *   (bottom/right), never ONNX's SAME_UPPER/SAME_LOWER guesswork;
 * - AveragePool with count_include_pad=0 (TF averages only the real pixels under the window);
 * - BatchNormalization as the ONNX op (inference form, ORT fuses it into the convolution);
 * - nearest UpSampling2D as Resize (asymmetric, floor), which repeats pixels like TF.js.
 *
 * Anything else is refused with a reason (OnnxExportRefused): the scorer then runs TF.js.
 */
import * as tf from "@tensorflow/tfjs";
import { AttributeType, DataType, encodeModel, type AttributeMessage, type NodeMessage, type TensorMessage } from "./proto";

/** ONNX IR version 8 (ONNX 1.10+): what every ORT since 1.10 reads. */
export const ONNX_IR_VERSION = 8;
/** Opset 17: LayerNormalization exists; ReduceMean/ReduceMax still take axes as an attribute. */
export const ONNX_OPSET = 17;

export class OnnxExportRefused extends Error {
  constructor(
    readonly layer: string,
    readonly className: string,
    readonly reason: string,
  ) {
    super(`layer '${layer}' (${className}): ${reason}`);
    this.name = "OnnxExportRefused";
  }
}

export interface OnnxExport {
  bytes: Uint8Array;
  inputName: string;
  outputName: string;
  /** Input shape without the batch axis (NHWC for images, as TF.js takes it). */
  inputShape: number[];
  /** Output shape without the batch axis. */
  outputShape: number[];
  /** ONNX nodes written, by op type (diagnostics and tests). */
  ops: Record<string, number>;
}

type Layout = "NHWC" | "NCHW" | "plain";

interface Value {
  name: string;
  /** Keras shape without the batch axis (channels last). */
  shape: number[];
  /** NHWC / NCHW for rank-4 tensors (with the batch axis), "plain" otherwise. */
  layout: Layout;
}

type Props = Record<string, unknown>;

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** Keras axis of a rank-4 tensor (NHWC) -> its axis in NCHW. */
const NHWC_AXIS_IN_NCHW = [0, 2, 3, 1];

class Graph {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  readonly ops: Record<string, number> = {};
  private readonly names = new Set<string>();
  /** name -> the same value in the other layout, so a tensor is transposed at most once. */
  private readonly converted = new Map<string, Value>();

  unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, "_") || "t";
    let name = clean;
    for (let i = 1; this.names.has(name); i++) name = `${clean}_${i}`;
    this.names.add(name);
    return name;
  }

  floats(base: string, data: Float32Array, dims: number[]): string {
    const name = this.unique(base);
    const copy = data.slice();
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength) });
    return name;
  }

  scalar(base: string, value: number): string {
    return this.floats(base, Float32Array.of(value), []);
  }

  int64s(base: string, values: number[]): string {
    const name = this.unique(base);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  node(op: string, inputs: string[], base: string, attrs: AttributeMessage[] = []): string {
    const output = this.unique(`${base}/${op}`);
    this.nodes.push({ name: output, opType: op, input: inputs, output: [output], attribute: attrs });
    this.ops[op] = (this.ops[op] ?? 0) + 1;
    return output;
  }

  /** The value in NCHW (rank-4 tensors only). */
  nchw(v: Value, base: string): Value {
    if (v.layout === "NCHW") return v;
    if (v.shape.length !== 3) throw new Error(`a rank-${v.shape.length + 1} tensor has no NCHW form`);
    return this.transpose(v, TO_NCHW, "NCHW", base);
  }

  /** The value in Keras' own order (NHWC for rank-4 tensors). */
  keras(v: Value, base: string): Value {
    return v.layout === "NCHW" ? this.transpose(v, TO_NHWC, "NHWC", base) : v;
  }

  /** The value in the given layout ("plain" and NHWC are the same order). */
  as(v: Value, layout: Layout, base: string): Value {
    if (layout === "NCHW" && v.shape.length === 3) return this.nchw(v, base);
    return this.keras(v, base);
  }

  private transpose(v: Value, perm: number[], layout: Layout, base: string): Value {
    const cached = this.converted.get(v.name);
    if (cached) return cached;
    const out: Value = { name: this.node("Transpose", [v.name], base, [ints("perm", perm)]), shape: v.shape, layout };
    this.converted.set(v.name, out);
    this.converted.set(out.name, v);
    return out;
  }
}

const int = (name: string, i: number): AttributeMessage => ({ name, type: AttributeType.INT, i });
const ints = (name: string, values: number[]): AttributeMessage => ({ name, type: AttributeType.INTS, ints: values });
const float = (name: string, f: number): AttributeMessage => ({ name, type: AttributeType.FLOAT, f });
const string = (name: string, s: string): AttributeMessage => ({ name, type: AttributeType.STRING, s: new TextEncoder().encode(s) });

function pair(value: unknown, fallback: number): [number, number] {
  if (typeof value === "number") return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "number")) return [value[0], value[1]];
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === "number") return [value[0], value[0]];
  return [fallback, fallback];
}

/**
 * Explicit ONNX pads [top, left, bottom, right] for TF's "valid" / "same" padding: "same" gives
 * ceil(in / stride) outputs, and of an odd total padding the extra pixel goes at the end.
 */
export function tfPads(padding: string, input: [number, number], kernel: [number, number], strides: [number, number], dilation: [number, number] = [1, 1]): number[] {
  if (padding === "valid") return [0, 0, 0, 0];
  const begin: number[] = [];
  const end: number[] = [];
  for (let axis = 0; axis < 2; axis++) {
    const out = Math.ceil(input[axis] / strides[axis]);
    const effective = (kernel[axis] - 1) * dilation[axis] + 1;
    const total = Math.max((out - 1) * strides[axis] + effective - input[axis], 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  }
  return [...begin, ...end];
}

interface LayerContext {
  g: Graph;
  layer: tf.layers.Layer;
  name: string;
  className: string;
  config: Props;
  inputs: Value[];
  /** Keras output shapes (without the batch axis). */
  outputShapes: number[][];
  refuse(reason: string): never;
}

function weightsOf(ctx: LayerContext): Map<string, { values: Float32Array; shape: number[] }> {
  const out = new Map<string, { values: Float32Array; shape: number[] }>();
  for (const w of ctx.layer.weights) {
    const original = (w as unknown as { originalName?: string }).originalName ?? w.name;
    const short = original.split("/").pop()!.replace(/:\d+$/, "");
    out.set(short, { values: w.read().dataSync() as Float32Array, shape: w.shape as number[] });
  }
  return out;
}

function weight(ctx: LayerContext, weights: Map<string, { values: Float32Array; shape: number[] }>, ...names: string[]): { values: Float32Array; shape: number[] } {
  for (const name of names) {
    const found = weights.get(name);
    if (found) return found;
  }
  ctx.refuse(`its weight ${names[0]} was not found`);
}

/** Keras activation function (as TF.js serialises it) applied to a value. */
function activation(ctx: LayerContext, v: Value, name: string, base: string): Value {
  const { g } = ctx;
  const unary = (op: string, attrs: AttributeMessage[] = []): Value => ({ ...v, name: g.node(op, [v.name], base, attrs) });
  switch (name) {
    case "linear":
      return v;
    case "relu":
      return unary("Relu");
    case "relu6":
      return { ...v, name: g.node("Clip", [v.name, g.scalar(`${base}/zero`, 0), g.scalar(`${base}/six`, 6)], base) };
    case "sigmoid":
      return unary("Sigmoid");
    case "hardSigmoid":
      return unary("HardSigmoid", [float("alpha", 0.2), float("beta", 0.5)]);
    case "tanh":
      return unary("Tanh");
    case "softplus":
      return unary("Softplus");
    case "softsign":
      return unary("Softsign");
    case "elu":
      return unary("Elu", [float("alpha", 1)]);
    case "selu":
      return unary("Selu");
    case "leaky_relu":
      return unary("LeakyRelu", [float("alpha", 0.2)]);
    case "softmax":
      return softmax(ctx, v, -1, base, "Softmax");
    case "logSoftmax":
      return softmax(ctx, v, -1, base, "LogSoftmax");
    case "swish":
      return { ...v, name: g.node("Mul", [v.name, g.node("Sigmoid", [v.name], base)], base) };
    case "mish": {
      const t = g.node("Tanh", [g.node("Softplus", [v.name], base)], base);
      return { ...v, name: g.node("Mul", [v.name, t], base) };
    }
    case "gelu": {
      // 0.5 x (1 + erf(x / sqrt 2)): TF.js' gelu, Keras' default (approximate=False).
      const erf = g.node("Erf", [g.node("Div", [v.name, g.scalar(`${base}/sqrt2`, Math.SQRT2)], base)], base);
      const cdf = g.node("Mul", [g.node("Add", [erf, g.scalar(`${base}/one`, 1)], base), g.scalar(`${base}/half`, 0.5)], base);
      return { ...v, name: g.node("Mul", [v.name, cdf], base) };
    }
    default:
      ctx.refuse(`activation "${name}" has no ONNX translation here`);
  }
}

function softmax(ctx: LayerContext, v: Value, kerasAxis: number, base: string, op: "Softmax" | "LogSoftmax"): Value {
  const rank = v.shape.length + 1;
  const axis = kerasAxis < 0 ? rank + kerasAxis : kerasAxis;
  if (axis <= 0 || axis >= rank) ctx.refuse(`softmax over axis ${kerasAxis} of a rank-${rank} tensor`);
  const onnxAxis = v.layout === "NCHW" ? NHWC_AXIS_IN_NCHW[axis] : axis;
  return { ...v, name: ctx.g.node(op, [v.name], base, [int("axis", onnxAxis)]) };
}

function spatial(ctx: LayerContext, v: Value): [number, number] {
  const [h, w] = v.shape;
  if (v.shape.length !== 3 || !Number.isInteger(h) || !Number.isInteger(w)) ctx.refuse(`needs a known H x W x C input, got ${JSON.stringify(v.shape)}`);
  return [h, w];
}

function requireChannelsLast(ctx: LayerContext) {
  const format = ctx.config.dataFormat;
  if (format !== undefined && format !== "channelsLast") ctx.refuse(`data format ${String(format)}`);
}

/** Conv2D / DepthwiseConv2D / SeparableConv2D: explicit TF pads, strides, dilation, bias, activation. */
function convolution(ctx: LayerContext): Value {
  const { g, config, name } = ctx;
  requireChannelsLast(ctx);
  const x = g.nchw(ctx.inputs[0], name);
  const [h, w] = spatial(ctx, ctx.inputs[0]);
  const cin = ctx.inputs[0].shape[2];
  const kernel = pair(config.kernelSize, 1);
  const strides = pair(config.strides, 1);
  const dilation = pair(config.dilationRate, 1);
  const padding = String(config.padding ?? "valid");
  if (padding !== "valid" && padding !== "same") ctx.refuse(`padding "${padding}"`);
  const pads = tfPads(padding, [h, w], kernel, strides, dilation);
  const convAttrs = (group: number) => [ints("kernel_shape", kernel), ints("strides", strides), ints("dilations", dilation), ints("pads", pads), int("group", group)];
  const weights = weightsOf(ctx);
  const bias = config.useBias === false ? null : weight(ctx, weights, "bias");
  let out: string;
  if (ctx.className === "Conv2D") {
    const k = weight(ctx, weights, "kernel");
    const [kh, kw, ci, co] = k.shape;
    const inputs = [x.name, g.floats(`${name}/W`, hwioToOihw(k.values, kh, kw, ci, co), [co, ci, kh, kw])];
    if (bias) inputs.push(g.floats(`${name}/B`, bias.values, [co]));
    out = g.node("Conv", inputs, name, convAttrs(1));
  } else {
    const dk = weight(ctx, weights, "depthwise_kernel", "kernel");
    const [kh, kw, ci, dm] = dk.shape;
    if (ci !== cin) ctx.refuse(`depthwise kernel has ${ci} input channels, the input ${cin}`);
    // TF's depthwise output channel c * dm + m = ONNX group c's output m.
    const dw = new Float32Array(ci * dm * kh * kw);
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < ci; c++) for (let m = 0; m < dm; m++) dw[((c * dm + m) * kh + i) * kw + j] = dk.values[((i * kw + j) * ci + c) * dm + m];
    if (ctx.className === "DepthwiseConv2D") {
      const inputs = [x.name, g.floats(`${name}/W`, dw, [ci * dm, 1, kh, kw])];
      if (bias) inputs.push(g.floats(`${name}/B`, bias.values, [ci * dm]));
      out = g.node("Conv", inputs, name, convAttrs(ci));
    } else {
      const depthwise = g.node("Conv", [x.name, g.floats(`${name}/depthwise_W`, dw, [ci * dm, 1, kh, kw])], name, convAttrs(ci));
      const pk = weight(ctx, weights, "pointwise_kernel");
      const [, , pci, co] = pk.shape;
      const inputs = [depthwise, g.floats(`${name}/pointwise_W`, hwioToOihw(pk.values, 1, 1, pci, co), [co, pci, 1, 1])];
      if (bias) inputs.push(g.floats(`${name}/B`, bias.values, [co]));
      out = g.node("Conv", inputs, name, [ints("kernel_shape", [1, 1])]);
    }
  }
  return activation(ctx, { name: out, shape: ctx.outputShapes[0], layout: "NCHW" }, String(config.activation ?? "linear"), name);
}

function hwioToOihw(values: Float32Array, kh: number, kw: number, ci: number, co: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) out[((o * ci + c) * kh + i) * kw + j] = values[((i * kw + j) * ci + c) * co + o];
  return out;
}

function dense(ctx: LayerContext): Value {
  const { g, name, config } = ctx;
  const weights = weightsOf(ctx);
  const k = weight(ctx, weights, "kernel");
  const [inputs, units] = k.shape;
  const x = g.keras(ctx.inputs[0], name);
  const bias = config.useBias === false ? null : weight(ctx, weights, "bias");
  const W = g.floats(`${name}/W`, k.values, [inputs, units]);
  let out: string;
  if (x.shape.length === 1) {
    out = bias ? g.node("Gemm", [x.name, W, g.floats(`${name}/B`, bias.values, [units])], name) : g.node("MatMul", [x.name, W], name);
  } else {
    out = g.node("MatMul", [x.name, W], name);
    if (bias) out = g.node("Add", [out, g.floats(`${name}/B`, bias.values, [units])], name);
  }
  const shape = ctx.outputShapes[0];
  return activation(ctx, { name: out, shape, layout: shape.length === 3 ? "NHWC" : "plain" }, String(config.activation ?? "linear"), name);
}

function pooling(ctx: LayerContext, op: "MaxPool" | "AveragePool"): Value {
  const { g, name, config } = ctx;
  requireChannelsLast(ctx);
  const x = g.nchw(ctx.inputs[0], name);
  const size = pair(config.poolSize, 2);
  const strides = pair(config.strides ?? config.poolSize, 2);
  const padding = String(config.padding ?? "valid");
  if (padding !== "valid" && padding !== "same") ctx.refuse(`padding "${padding}"`);
  const attrs = [ints("kernel_shape", size), ints("strides", strides), ints("pads", tfPads(padding, spatial(ctx, ctx.inputs[0]), size, strides))];
  // TF averages only the pixels inside the image: padded cells are not counted.
  if (op === "AveragePool") attrs.push(int("count_include_pad", 0));
  return { name: g.node(op, [x.name], name, attrs), shape: ctx.outputShapes[0], layout: "NCHW" };
}

function batchNormalization(ctx: LayerContext): Value {
  const { g, name, config } = ctx;
  const v = ctx.inputs[0];
  const rank = v.shape.length + 1;
  const axisValue = Array.isArray(config.axis) ? config.axis[0] : config.axis;
  const axis = typeof axisValue === "number" ? (axisValue < 0 ? rank + axisValue : axisValue) : rank - 1;
  if (axis !== rank - 1 || (rank !== 2 && rank !== 4)) ctx.refuse(`normalizing axis ${String(axisValue)} of a rank-${rank} tensor (only the channel axis of images or features)`);
  const x = rank === 4 ? g.nchw(v, name) : v;
  const weights = weightsOf(ctx);
  const channels = v.shape[v.shape.length - 1];
  const gamma = config.scale === false ? new Float32Array(channels).fill(1) : weight(ctx, weights, "gamma").values;
  const beta = config.center === false ? new Float32Array(channels) : weight(ctx, weights, "beta").values;
  const inputs = [
    x.name,
    g.floats(`${name}/scale`, gamma, [channels]),
    g.floats(`${name}/B`, beta, [channels]),
    g.floats(`${name}/mean`, weight(ctx, weights, "moving_mean").values, [channels]),
    g.floats(`${name}/var`, weight(ctx, weights, "moving_variance").values, [channels]),
  ];
  const epsilon = typeof config.epsilon === "number" ? config.epsilon : 1e-3;
  return { name: g.node("BatchNormalization", inputs, name, [float("epsilon", epsilon)]), shape: ctx.outputShapes[0], layout: x.layout };
}

function layerNormalization(ctx: LayerContext): Value {
  const { g, name, config } = ctx;
  const v = g.keras(ctx.inputs[0], name);
  const axisValue = Array.isArray(config.axis) ? (config.axis.length === 1 ? config.axis[0] : null) : config.axis;
  const rank = v.shape.length + 1;
  if (axisValue !== -1 && axisValue !== rank - 1) ctx.refuse(`normalizing axis ${JSON.stringify(config.axis)} (only the last axis)`);
  const weights = weightsOf(ctx);
  const channels = v.shape[v.shape.length - 1];
  const gamma = config.scale === false ? new Float32Array(channels).fill(1) : weight(ctx, weights, "gamma").values;
  const beta = config.center === false ? new Float32Array(channels) : weight(ctx, weights, "beta").values;
  const epsilon = typeof config.epsilon === "number" ? config.epsilon : 1e-3;
  const out = g.node("LayerNormalization", [v.name, g.floats(`${name}/scale`, gamma, [channels]), g.floats(`${name}/B`, beta, [channels])], name, [int("axis", -1), float("epsilon", epsilon)]);
  return { name: out, shape: ctx.outputShapes[0], layout: v.layout };
}

function merge(ctx: LayerContext): Value {
  const { g, name, className } = ctx;
  const rank = ctx.inputs[0].shape.length;
  if (ctx.inputs.some((v) => v.shape.length !== rank)) ctx.refuse("inputs of different ranks");
  const layout = ctx.inputs[0].layout;
  const xs = ctx.inputs.map((v) => g.as(v, layout, name).name);
  const shape = ctx.outputShapes[0];
  if (className === "Concatenate") {
    const axisValue = typeof ctx.config.axis === "number" ? ctx.config.axis : -1;
    const axis = axisValue < 0 ? rank + 1 + axisValue : axisValue;
    if (axis <= 0 || axis > rank) ctx.refuse(`concatenating along axis ${axisValue}`);
    return { name: g.node("Concat", xs, name, [int("axis", layout === "NCHW" ? NHWC_AXIS_IN_NCHW[axis] : axis)]), shape, layout };
  }
  if (className === "Multiply") {
    let out = xs[0];
    for (const x of xs.slice(1)) out = g.node("Mul", [out, x], name);
    return { name: out, shape, layout };
  }
  const op = { Add: "Sum", Average: "Mean", Maximum: "Max", Minimum: "Min" }[className]!;
  return { name: g.node(op, xs, name), shape, layout };
}

/** One layer's ONNX nodes; returns its outputs. */
function emitLayer(ctx: LayerContext): Value[] {
  const { g, name, config, className } = ctx;
  const x = ctx.inputs[0];
  const out = ctx.outputShapes[0];
  const single = (v: Value) => [v];
  switch (className) {
    case "Dense":
      return single(dense(ctx));
    case "Conv2D":
    case "DepthwiseConv2D":
    case "SeparableConv2D":
      return single(convolution(ctx));
    case "MaxPooling2D":
      return single(pooling(ctx, "MaxPool"));
    case "AveragePooling2D":
      return single(pooling(ctx, "AveragePool"));
    case "GlobalAveragePooling2D":
    case "GlobalMaxPooling2D": {
      requireChannelsLast(ctx);
      const nchw = g.nchw(x, name);
      const op = className === "GlobalAveragePooling2D" ? "ReduceMean" : "ReduceMax";
      return single({ name: g.node(op, [nchw.name], name, [ints("axes", [2, 3]), int("keepdims", 0)]), shape: out, layout: "plain" });
    }
    case "Flatten": {
      // Keras' order (NHWC), so the next Dense's rows line up.
      const v = g.keras(x, name);
      return single(v.shape.length <= 1 ? v : { name: g.node("Flatten", [v.name], name, [int("axis", 1)]), shape: out, layout: "plain" });
    }
    case "Reshape": {
      const v = g.keras(x, name);
      const target = config.targetShape;
      if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d))) ctx.refuse(`target shape ${JSON.stringify(target)}`);
      if ((target as number[]).includes(0)) ctx.refuse("a zero-sized target dimension");
      const shape = g.int64s(`${name}/shape`, [0, ...(target as number[])]);
      return single({ name: g.node("Reshape", [v.name, shape], name), shape: out, layout: out.length === 3 ? "NHWC" : "plain" });
    }
    case "Dropout":
    case "SpatialDropout2D":
    case "GaussianNoise":
    case "GaussianDropout":
    case "AlphaDropout":
    case "InactiveAtInference":
      // Identity at inference.
      return single(x);
    case "KerasRandomCrop": {
      // At inference Keras resizes to the target (lib/models/layers/augmentation.ts): the identity at that size.
      const [h, w] = spatial(ctx, x);
      if (h !== config.height || w !== config.width) ctx.refuse(`RandomCrop resizing ${h}x${w} to ${String(config.height)}x${String(config.width)} at inference`);
      return single(x);
    }
    case "BatchNormalization":
      return single(batchNormalization(ctx));
    case "LayerNormalization":
      return single(layerNormalization(ctx));
    case "Activation":
      return single(activation(ctx, x, String(config.activation ?? "linear"), name));
    case "ReLU": {
      const max = config.maxValue;
      if (typeof max === "number") return single({ ...x, name: g.node("Clip", [x.name, g.scalar(`${name}/min`, 0), g.scalar(`${name}/max`, max)], name) });
      return single({ ...x, name: g.node("Relu", [x.name], name) });
    }
    case "KerasReLU": {
      // max_value-capped x where x >= threshold, negative_slope * (x - threshold) below.
      const props = ctx.layer as unknown as { maxValue: number | null; negativeSlope: number; threshold: number };
      const threshold = g.scalar(`${name}/threshold`, props.threshold);
      const above = g.node("GreaterOrEqual", [x.name, threshold], name);
      const positive = props.maxValue === null ? x.name : g.node("Min", [x.name, g.scalar(`${name}/max`, props.maxValue)], name);
      const negative = g.node("Mul", [g.node("Sub", [x.name, threshold], name), g.scalar(`${name}/slope`, props.negativeSlope)], name);
      return single({ ...x, name: g.node("Where", [above, positive, negative], name) });
    }
    case "LeakyReLU":
      return single({ ...x, name: g.node("LeakyRelu", [x.name], name, [float("alpha", typeof config.alpha === "number" ? config.alpha : 0.3)]) });
    case "ELU":
      return single({ ...x, name: g.node("Elu", [x.name], name, [float("alpha", typeof config.alpha === "number" ? config.alpha : 1)]) });
    case "Softmax": {
      const axis = Array.isArray(config.axis) ? config.axis[0] : config.axis;
      return single(softmax(ctx, x, typeof axis === "number" ? axis : -1, name, "Softmax"));
    }
    case "Rescaling": {
      const scale = Number(config.scale ?? 1);
      const offset = Number(config.offset ?? 0);
      let v = x.name;
      if (scale !== 1) v = g.node("Mul", [v, g.scalar(`${name}/scale`, scale)], name);
      if (offset !== 0) v = g.node("Add", [v, g.scalar(`${name}/offset`, offset)], name);
      return single({ ...x, name: v });
    }
    case "ZeroPadding2D": {
      requireChannelsLast(ctx);
      const [[top, bottom], [left, right]] = (ctx.layer as unknown as { padding: [[number, number], [number, number]] }).padding;
      const v = g.nchw(x, name);
      return single({ name: g.node("Pad", [v.name, g.int64s(`${name}/pads`, [0, 0, top, left, 0, 0, bottom, right])], name, [string("mode", "constant")]), shape: out, layout: "NCHW" });
    }
    case "Cropping2D": {
      requireChannelsLast(ctx);
      const [[top, bottom], [left, right]] = (ctx.layer as unknown as { cropping: [[number, number], [number, number]] }).cropping;
      const [h, w] = spatial(ctx, x);
      const v = g.nchw(x, name);
      const inputs = [v.name, g.int64s(`${name}/starts`, [top, left]), g.int64s(`${name}/ends`, [h - bottom, w - right]), g.int64s(`${name}/axes`, [2, 3])];
      return single({ name: g.node("Slice", inputs, name), shape: out, layout: "NCHW" });
    }
    case "UpSampling2D": {
      requireChannelsLast(ctx);
      const [sh, sw] = pair(config.size, 2);
      const interpolation = String(config.interpolation ?? "nearest");
      const v = g.nchw(x, name);
      const scales = g.floats(`${name}/scales`, Float32Array.of(1, 1, sh, sw), [4]);
      // TF.js resizes with align_corners=false, half_pixel_centers=false: source = floor(dest / size).
      const attrs =
        interpolation === "nearest"
          ? [string("mode", "nearest"), string("coordinate_transformation_mode", "asymmetric"), string("nearest_mode", "floor")]
          : interpolation === "bilinear"
            ? [string("mode", "linear"), string("coordinate_transformation_mode", "asymmetric")]
            : ctx.refuse(`interpolation "${interpolation}"`);
      return single({ name: g.node("Resize", [v.name, "", scales], name, attrs), shape: out, layout: "NCHW" });
    }
    case "Add":
    case "Multiply":
    case "Average":
    case "Maximum":
    case "Minimum":
    case "Concatenate":
      return single(merge(ctx));
    default:
      ctx.refuse("no ONNX translation for this layer type");
  }
}

type SymbolicTensor = tf.SymbolicTensor;
type NodeLike = { inputTensors: SymbolicTensor[]; outputTensors: SymbolicTensor[] };

/** Walks a (possibly nested) model's graph from its outputs, emitting each layer once per call. */
function emitModel(g: Graph, model: tf.LayersModel, inputs: Value[], prefix: string): Value[] {
  if (model.inputs.length !== inputs.length) throw new OnnxExportRefused(model.name, model.getClassName(), `expects ${model.inputs.length} inputs, got ${inputs.length}`);
  const values = new Map<number, Value>();
  model.inputs.forEach((t, i) => values.set(t.id, inputs[i]));

  const visit = (t: SymbolicTensor): Value => {
    const known = values.get(t.id);
    if (known) return known;
    const layer = t.sourceLayer as tf.layers.Layer;
    const node = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes[t.nodeIndex];
    const className = layer.getClassName();
    const name = `${prefix}${layer.name}`;
    const refuse = (reason: string): never => {
      throw new OnnxExportRefused(name, className, reason);
    };
    if (!node || className === "InputLayer") refuse("an input the model was not called on");
    const inputValues = node.inputTensors.map(visit);
    const outputShapes = node.outputTensors.map((o) => o.shape.slice(1).map((d) => (d === null ? -1 : d)));
    let outputs: Value[];
    if (layer instanceof tf.LayersModel) {
      outputs = emitModel(g, layer, inputValues, `${name}/`);
    } else {
      const ctx: LayerContext = { g, layer, name, className, config: layer.getConfig() as Props, inputs: inputValues, outputShapes, refuse };
      if (className !== "Concatenate" && !["Add", "Multiply", "Average", "Maximum", "Minimum"].includes(className) && inputValues.length !== 1) refuse(`${inputValues.length} inputs`);
      outputs = emitLayer(ctx);
    }
    if (outputs.length !== node.outputTensors.length) refuse("produced the wrong number of outputs");
    node.outputTensors.forEach((o, i) => values.set(o.id, outputs[i]));
    return values.get(t.id)!;
  };
  return model.outputs.map(visit);
}

/**
 * The ONNX model of a built, weighted TF.js LayersModel with one input and one output.
 * Throws OnnxExportRefused (naming the layer) for anything it cannot translate exactly.
 */
export function exportLayersModel(model: tf.LayersModel, opts: { producerVersion?: string } = {}): OnnxExport {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new OnnxExportRefused(model.name, model.getClassName(), `has ${model.inputs.length} inputs and ${model.outputs.length} outputs (one of each is supported)`);
  const inputShape = model.inputs[0].shape.slice(1);
  if (inputShape.some((d) => d === null)) throw new OnnxExportRefused(model.name, model.getClassName(), `input shape ${JSON.stringify(model.inputs[0].shape)} is not fully known`);
  const g = new Graph();
  const inputName = g.unique("input");
  const input: Value = { name: inputName, shape: inputShape as number[], layout: inputShape.length === 3 ? "NHWC" : "plain" };
  const [result] = emitModel(g, model, [input], "");
  const final = g.keras(result, "output");
  const outputName = g.node("Identity", [final.name], "output");
  const dims = (shape: number[]) => [{ dimParam: "N" }, ...shape.map((d) => (d >= 0 ? { dimValue: d } : { dimParam: "?" }))];
  const bytes = encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: "holdout",
    producerVersion: opts.producerVersion ?? "0.1.0",
    docString: `exported from TF.js LayersModel '${model.name}'`,
    graph: {
      name: model.name || "model",
      node: g.nodes,
      initializer: g.initializers,
      input: [{ name: inputName, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims(inputShape as number[]) } } } }],
      output: [{ name: outputName, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims(final.shape) } } } }],
    },
  });
  return { bytes, inputName, outputName, inputShape: inputShape as number[], outputShape: final.shape, ops: g.ops };
}
