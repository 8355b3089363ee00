/**
 * The platform's model writers: a Keras config plus a TF.js model built from it (with
 * buildModelFromArchitecture, or trained by Holdout) -> files in the layouts Keras and TF.js
 * write, so that they open in a student's notebook and round-trip through the readers.
 *
 * - writeKerasArchive: Keras 3 `.keras` zip (config.json, metadata.json, model.weights.h5
 *   with variables at layers/<class_snake>[_n]/vars/<i>).
 * - writeKerasH5: legacy HDF5, Keras 2 layout (`dense_1/kernel:0`) or Keras 3's legacy
 *   writer (`sequential/dense_1/kernel`).
 * - writeTfjsLayersModel: model.json + shards, optionally with a model-name prefix on weight
 *   names (as Keras 3 + tensorflowjs 4.22 writes them).
 */
import type * as tf from "@tensorflow/tfjs";
import { strToU8, zipSync } from "fflate";
import { createHdf5 } from "./hdf5";
import { WarningList } from "./errors";
import { parseKerasModelConfig, unwrapModelConfig, type ModelSpec } from "./keras/config";
import { analyzeModel, type LayerAnalysis } from "./keras/model";

export interface WrittenFile {
  name: string;
  data: Uint8Array;
}

interface LayerValues {
  layer: LayerAnalysis;
  values: Array<{ name: string; shape: number[]; data: Float32Array; trainable: boolean }>;
}

function collect(config: unknown, model: tf.LayersModel): { spec: ModelSpec; root: Record<string, unknown>; leaves: LayerValues[] } {
  const root = unwrapModelConfig(config);
  if (!root) throw new Error("writers: config is not a Keras model config");
  const spec = parseKerasModelConfig(root, "config");
  const inputShape = (model.inputs[0].shape as number[]).slice(1);
  const analysis = analyzeModel(spec, inputShape, { warnings: new WarningList() });
  const leaves: LayerValues[] = [];
  for (const layer of analysis.layers) {
    if (layer.isModel || layer.weights.length === 0) continue;
    let target: tf.layers.Layer = model;
    for (const name of layer.path) target = (target as tf.LayersModel).getLayer(name);
    const tensors = target.getWeights();
    leaves.push({
      layer,
      values: tensors.map((t, i) => ({
        name: layer.weights[i].name,
        shape: t.shape as number[],
        data: t.dataSync() as Float32Array,
        trainable: layer.weights[i].trainable,
      })),
    });
  }
  return { spec, root, leaves };
}

export async function writeKerasArchive(config: unknown, model: tf.LayersModel, opts: { kerasVersion?: string } = {}): Promise<Uint8Array> {
  const { spec, root, leaves } = collect(config, model);
  const h5 = await createHdf5();
  // Keras writes an (empty) vars group for every layer, weights or not.
  const everyLayer = analyzeModel(spec, (model.inputs[0].shape as number[]).slice(1), { warnings: new WarningList() }).layers;
  for (const layer of everyLayer) if (layer.archivePath) h5.ensureGroup(`${layer.archivePath}/vars`);
  h5.ensureGroup("vars");
  for (const { layer, values } of leaves) {
    values.forEach((v, i) => h5.writeFloats(`${layer.archivePath}/vars/${i}`, v.data, v.shape));
  }
  const weights = h5.finish();
  return zipSync({
    "metadata.json": strToU8(JSON.stringify({ keras_version: opts.kerasVersion ?? "3.6.0", date_saved: "2025-01-01@00:00:00" })),
    "config.json": strToU8(JSON.stringify(root)),
    "model.weights.h5": weights,
  });
}

export async function writeKerasH5(config: unknown, model: tf.LayersModel, opts: { flavor: "keras2" | "keras3"; kerasVersion?: string }): Promise<Uint8Array> {
  const { spec, root, leaves } = collect(config, model);
  const keras3 = opts.flavor === "keras3";
  const version = opts.kerasVersion ?? (keras3 ? "3.6.0" : "2.15.0");
  const h5 = await createHdf5();
  h5.root.create_attribute("model_config", JSON.stringify(root));
  h5.root.create_attribute("keras_version", version);
  h5.root.create_attribute("backend", "tensorflow");
  const weightsRoot = h5.ensureGroup("model_weights");
  const topLayers = spec.layers.filter((l) => l.className !== "InputLayer").map((l) => l.name);
  weightsRoot.create_attribute("layer_names", keras3 ? [...topLayers, "top_level_model_weights"] : topLayers);
  weightsRoot.create_attribute("keras_version", version);
  weightsRoot.create_attribute("backend", "tensorflow");

  for (const top of topLayers) {
    const group = h5.ensureGroup(`model_weights/${top}`);
    const inner = leaves.filter((l) => l.layer.path[0] === top);
    const entries = inner.flatMap(({ layer, values }) =>
      values.map((v) => {
        const layerPath = layer.path.length === 1 ? [layer.name] : [top, layer.name];
        // Keras 2 names a nested model's weights "<inner layer>/<var>:0"; Keras 3 "<model>/<layer>/<var>".
        const name = keras3 ? [spec.name, ...layerPath, v.name].join("/") : `${layer.name}/${v.name}:0`;
        return { ...v, name };
      }),
    );
    // Keras 2 saves a nested model's trainable weights first, then the non-trainable ones.
    const ordered = inner.some((l) => l.layer.path.length > 1) && !keras3 ? [...entries.filter((e) => e.trainable), ...entries.filter((e) => !e.trainable)] : entries;
    group.create_attribute("weight_names", ordered.map((e) => e.name));
    for (const entry of ordered) h5.writeFloats(`model_weights/${top}/${entry.name}`, entry.data, entry.shape);
  }
  if (keras3) h5.ensureGroup("model_weights/top_level_model_weights").create_attribute("weight_names", []);
  return h5.finish();
}

export function writeTfjsLayersModel(
  config: unknown,
  model: tf.LayersModel,
  opts: { weightNamePrefix?: string; shardSizeBytes?: number; singleFileName?: string; converterStyle?: boolean } = {},
): WrittenFile[] {
  const { root, leaves } = collect(config, model);
  const specs: Array<{ name: string; shape: number[]; dtype: "float32" }> = [];
  const chunks: Float32Array[] = [];
  for (const { layer, values } of leaves) {
    for (const v of values) {
      specs.push({ name: `${opts.weightNamePrefix ?? ""}${layer.path.join("/")}/${v.name}`, shape: v.shape, dtype: "float32" });
      chunks.push(v.data);
    }
  }
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  const bytes = new Uint8Array(all.buffer);
  const shardSize = opts.singleFileName ? bytes.length || 1 : (opts.shardSizeBytes ?? 4 * 1024 * 1024);
  const shardCount = Math.max(1, Math.ceil(bytes.length / shardSize));
  const shardNames = Array.from({ length: shardCount }, (_, i) => opts.singleFileName ?? `group1-shard${i + 1}of${shardCount}.bin`);
  const modelJson = {
    format: "layers-model",
    generatedBy: opts.converterStyle ? "keras v3.6.0" : "Holdout",
    convertedBy: opts.converterStyle ? "TensorFlow.js Converter v4.22.0" : null,
    modelTopology: opts.converterStyle ? { keras_version: "3.6.0", backend: "tensorflow", model_config: root } : root,
    weightsManifest: [{ paths: shardNames, weights: specs }],
  };
  return [
    { name: "model.json", data: strToU8(JSON.stringify(modelJson)) },
    ...shardNames.map((name, i) => ({ name, data: bytes.slice(i * shardSize, (i + 1) * shardSize) })),
  ];
}
