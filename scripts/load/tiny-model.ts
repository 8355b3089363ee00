/**
 * A tiny TF.js layers model (784 -> 8 relu -> 10 softmax: 6,370 parameters, about 25 KB), written
 * by hand as tensorflowjs' converter lays it out: model.json + weights.bin. No TensorFlow needed
 * to make it, so load generators can make thousands of distinct ones (each seed gives other
 * weights, hence another file hash) in microseconds.
 */
import { mulberry32 } from "@/lib/random";

export interface ModelFile {
  name: string;
  data: Uint8Array;
}

const HIDDEN = 8;
const INPUTS = 784;
const CLASSES = 10;

export const TINY_MLP_PARAMS = INPUTS * HIDDEN + HIDDEN + HIDDEN * CLASSES + CLASSES;

export const TINY_MLP_JSON = JSON.stringify({
  format: "layers-model",
  generatedBy: "holdout system tests",
  convertedBy: null,
  modelTopology: {
    class_name: "Sequential",
    config: {
      name: "tiny_mlp",
      layers: [
        { class_name: "InputLayer", config: { batch_input_shape: [null, INPUTS], dtype: "float32", sparse: false, name: "pixels" } },
        { class_name: "Dense", config: { name: "hidden", trainable: true, dtype: "float32", units: HIDDEN, activation: "relu", use_bias: true } },
        { class_name: "Dense", config: { name: "out", trainable: true, dtype: "float32", units: CLASSES, activation: "softmax", use_bias: true } },
      ],
    },
    keras_version: "tfjs-layers 4.22.0",
    backend: "tensor_flow.js",
  },
  weightsManifest: [
    {
      paths: ["weights.bin"],
      weights: [
        { name: "hidden/kernel", shape: [INPUTS, HIDDEN], dtype: "float32" },
        { name: "hidden/bias", shape: [HIDDEN], dtype: "float32" },
        { name: "out/kernel", shape: [HIDDEN, CLASSES], dtype: "float32" },
        { name: "out/bias", shape: [CLASSES], dtype: "float32" },
      ],
    },
  ],
});

/** Seeded values for the tiny model: the project's one generator. */
export const seededRandom = mulberry32;

/** The weights of one tiny MLP, seeded (small uniform values, so the outputs stay finite). */
export function tinyMlpWeights(seed: number): Float32Array {
  const random = seededRandom(seed);
  const values = new Float32Array(TINY_MLP_PARAMS);
  for (let i = 0; i < values.length; i++) values[i] = (random() - 0.5) * 0.2;
  return values;
}

/** model.json + weights.bin of a tiny MLP; different seeds give different files. */
export function tinyMlpFiles(seed: number, weights: Float32Array = tinyMlpWeights(seed)): ModelFile[] {
  return [
    { name: "model.json", data: new TextEncoder().encode(TINY_MLP_JSON) },
    { name: "weights.bin", data: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength) },
  ];
}
