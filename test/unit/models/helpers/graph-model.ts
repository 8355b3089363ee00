/**
 * Writes a TF.js graph model (format "graph-model": a TensorFlow GraphDef as JSON + weight
 * shards), as tensorflowjs_converter produces from a SavedModel, for an MLP built as a TF.js
 * layers model: Placeholder -> Reshape (int32 shape constant) -> [MatMul -> BiasAdd -> Relu]*
 * -> MatMul -> BiasAdd -> Softmax (or raw logits).
 */
import * as tf from "@tensorflow/tfjs";
import type { SubmissionFile } from "@/lib/models";

const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const floatAttr = { T: { type: "DT_FLOAT" } };

export function writeGraphModel(mlp: tf.LayersModel, inputShape: number[], opts: { softmax: boolean }): SubmissionFile[] {
  const nodes: object[] = [
    { name: "x", op: "Placeholder", attr: { dtype: { type: "DT_FLOAT" }, shape: { shape: dims([-1, ...inputShape]) } } },
    { name: "flat_shape", op: "Const", attr: { value: { tensor: { dtype: "DT_INT32", tensorShape: dims([2]) } }, dtype: { type: "DT_INT32" } } },
    { name: "flat", op: "Reshape", input: ["x", "flat_shape"], attr: { T: { type: "DT_FLOAT" }, Tshape: { type: "DT_INT32" } } },
  ];
  const weights: Array<{ name: string; shape: number[]; dtype: "float32" | "int32" }> = [{ name: "flat_shape", shape: [2], dtype: "int32" }];
  const buffers: Uint8Array[] = [new Uint8Array(new Int32Array([-1, inputShape.reduce((a, b) => a * b, 1)]).buffer)];
  let current = "flat";
  const dense = mlp.layers.filter((l) => l.getClassName() === "Dense");
  dense.forEach((layer, i) => {
    const [kernel, bias] = layer.getWeights();
    const k = `dense_${i}/kernel`;
    const b = `dense_${i}/bias`;
    for (const [name, tensor] of [
      [k, kernel],
      [b, bias],
    ] as const) {
      nodes.push({ name, op: "Const", attr: { value: { tensor: { dtype: "DT_FLOAT", tensorShape: dims(tensor.shape) } }, dtype: { type: "DT_FLOAT" } } });
      weights.push({ name, shape: tensor.shape, dtype: "float32" });
      buffers.push(new Uint8Array((tensor.dataSync() as Float32Array).slice().buffer));
    }
    nodes.push({ name: `dense_${i}/MatMul`, op: "MatMul", input: [current, k], attr: { ...floatAttr, transpose_a: { b: false }, transpose_b: { b: false } } });
    nodes.push({ name: `dense_${i}/BiasAdd`, op: "BiasAdd", input: [`dense_${i}/MatMul`, b], attr: { ...floatAttr, data_format: { s: Buffer.from("NHWC").toString("base64") } } });
    current = `dense_${i}/BiasAdd`;
    if (i < dense.length - 1) {
      nodes.push({ name: `dense_${i}/Relu`, op: "Relu", input: [current], attr: floatAttr });
      current = `dense_${i}/Relu`;
    }
  });
  if (opts.softmax) nodes.push({ name: "probs", op: "Softmax", input: [current], attr: floatAttr });
  const total = buffers.reduce((a, b) => a + b.length, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    data.set(b, offset);
    offset += b.length;
  }
  const modelJson = {
    format: "graph-model",
    generatedBy: "2.15.0",
    convertedBy: "TensorFlow.js Converter v4.22.0",
    modelTopology: { node: nodes, library: {}, versions: { producer: 1645 } },
    weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights }],
  };
  return [
    { name: "model.json", data: new TextEncoder().encode(JSON.stringify(modelJson)) },
    { name: "group1-shard1of1.bin", data },
  ];
}
