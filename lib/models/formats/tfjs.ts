/**
 * TensorFlow.js models: model.json plus binary weight shards (group1-shard1of3.bin, ... or a
 * single weights.bin), as written by `model.save("file://...")` in TF.js or by
 * tensorflowjs_converter. Two kinds:
 *
 * - "layers-model": modelTopology is a Keras config; it goes through the same Keras reader as
 *   .h5 and .keras files, and weights are matched to layers by name. Names are matched by
 *   suffix, so the model-name prefix that Keras 3 + tensorflowjs 4.22 writes
 *   ("sequential/dense/kernel"), which TF.js 4.22's own loader rejects, loads too.
 * - "graph-model": a TensorFlow GraphDef, executed by TF.js' graph executor.
 *
 * The weights manifest is validated before any allocation: dtypes, element counts against the
 * limits (a declared 1e12-element weight is refused from the JSON alone), shards present and
 * long enough.
 */
import * as tf from "@tensorflow/tfjs";
import { fail, formatBytes, formatCount, type WarningList } from "@/lib/models/errors";
import { decodeUtf8, isPlainObject, parseJsonSafely } from "@/lib/models/json";
import type { LayerAnalysis } from "@/lib/models/keras/model";
import type { StoredWeight, WeightSource } from "@/lib/models/weights";

export interface TfjsModelJson {
  fileName: string;
  format: "layers-model" | "graph-model";
  raw: Record<string, unknown>;
  topology: unknown;
  groups: ManifestGroup[];
}

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: "uint8" | "uint16" | "float16"; scale?: number; min?: number };
  elements: number;
  bytes: number;
}

interface ManifestGroup {
  paths: string[];
  weights: ManifestWeight[];
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

export function parseTfjsModelJson(bytes: Uint8Array, fileName: string, opts: { maxJsonDepth: number; maxParams: number }): TfjsModelJson {
  const raw = parseJsonSafely(decodeUtf8(bytes, fileName), { where: fileName, maxDepth: opts.maxJsonDepth });
  const bad: (message: string, location?: string) => never = (message, location = fileName) =>
    fail("MALFORMED_MODEL_JSON", `${fileName}: ${message}`, { location, hint: "Upload model.json exactly as TensorFlow.js (or tensorflowjs_converter) wrote it." });
  if (!isPlainObject(raw)) bad("expected a JSON object.");
  const topology = raw.modelTopology;
  if (!isPlainObject(topology)) bad(`"modelTopology" is missing.`);
  const isGraph = raw.format === "graph-model" || Array.isArray(topology.node);
  if (!Array.isArray(raw.weightsManifest)) bad(`"weightsManifest" is missing or not a list.`);

  const groups: ManifestGroup[] = [];
  let totalElements = 0;
  for (const [g, group] of raw.weightsManifest.entries()) {
    const where = `${fileName} > weightsManifest[${g}]`;
    if (!isPlainObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) bad(`each weightsManifest entry needs "paths" and "weights" lists.`, where);
    if (!group.paths.every((p) => typeof p === "string" && p.length > 0)) bad(`"paths" must list shard file names.`, where);
    const weights: ManifestWeight[] = [];
    for (const [w, entry] of group.weights.entries()) {
      const weight = parseManifestWeight(entry, `${where} > weights[${w}]`, isGraph, bad, opts.maxParams);
      totalElements += weight.elements;
      weights.push(weight);
    }
    groups.push({ paths: group.paths as string[], weights });
  }
  if (totalElements > opts.maxParams) {
    fail("TOO_MANY_PARAMS", `${fileName} declares ${formatCount(totalElements)} weight values in total; the limit is ${formatCount(opts.maxParams)}.`, {
      location: fileName,
      hint: "Submit a smaller model.",
    });
  }
  return { fileName, format: isGraph ? "graph-model" : "layers-model", raw, topology, groups };
}

function parseManifestWeight(entry: unknown, where: string, isGraph: boolean, bad: (m: string, l?: string) => never, maxParams: number): ManifestWeight {
  if (!isPlainObject(entry) || typeof entry.name !== "string") bad(`a weight entry has no "name".`, where);
  const name = entry.name;
  const shape = entry.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) bad(`weight "${name}" has an invalid shape ${JSON.stringify(shape)}.`, where);
  // Computed in floating point: a crafted shape cannot overflow into a small number here.
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  if (elements > maxParams) {
    fail("WEIGHT_TOO_LARGE", `Weight "${name}" declares shape [${shape.join(", ")}] (${formatCount(elements)} values), more than the ${formatCount(maxParams)} parameters allowed for a whole model.`, {
      location: where,
      hint: "The manifest is corrupt or the model is far too large; re-export it.",
    });
  }
  const dtype = String(entry.dtype ?? "float32");
  const allowed = isGraph ? ["float32", "int32", "bool"] : ["float32"];
  if (!allowed.includes(dtype)) {
    fail("WEIGHT_DTYPE", `Weight "${name}" has dtype "${dtype}"; ${isGraph ? "graph models" : "layers models"} may only use ${allowed.join(", ")}.`, {
      location: where,
      hint: "Export the model with float32 weights (the default of model.save and tensorflowjs_converter).",
    });
  }
  let quantization: ManifestWeight["quantization"];
  if (entry.quantization !== undefined) {
    const q = entry.quantization;
    if (!isPlainObject(q) || !["uint8", "uint16", "float16"].includes(String(q.dtype))) bad(`weight "${name}" has an unknown quantization ${JSON.stringify(q)}.`, where);
    if (q.dtype !== "float16" && (typeof q.scale !== "number" || typeof q.min !== "number")) bad(`quantized weight "${name}" lacks "scale"/"min".`, where);
    quantization = { dtype: q.dtype as "uint8" | "uint16" | "float16", scale: q.scale as number | undefined, min: q.min as number | undefined };
  }
  const bytes = elements * BYTES_PER_ELEMENT[quantization?.dtype ?? dtype];
  return { name, shape: shape as number[], dtype, quantization, elements, bytes };
}

export interface TfjsWeights {
  weights: Array<{ spec: ManifestWeight; bytes: Uint8Array }>;
  /** For TF.js' own loaders (graph models): specs and one buffer in manifest order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Finds the shard files, checks their sizes, and slices each weight's bytes. */
export function readTfjsWeights(model: TfjsModelJson, files: Map<string, Uint8Array>, warnings: WarningList): TfjsWeights {
  const missing = model.groups.flatMap((g) => g.paths).filter((p) => !files.has(baseName(p)));
  if (missing.length > 0) {
    fail("MISSING_FILE", `${model.fileName} needs weight file(s) ${missing.map((m) => `"${baseName(m)}"`).join(", ")}, which were not uploaded.`, {
      location: model.fileName,
      hint: "Upload model.json together with every .bin file saved next to it.",
    });
  }
  const weights: TfjsWeights["weights"] = [];
  const buffers: Uint8Array[] = [];
  for (const group of model.groups) {
    const shards = group.paths.map((p) => files.get(baseName(p))!);
    const data = concat(shards);
    const needed = group.weights.reduce((a, w) => a + w.bytes, 0);
    const shardNames = group.paths.map(baseName).join(" + ");
    if (data.length < needed) {
      let offset = 0;
      const cut = group.weights.find((w) => (offset += w.bytes) > data.length)!;
      fail("TRUNCATED_WEIGHTS", `${shardNames} holds ${formatBytes(data.length)} (${formatCount(data.length)} bytes) but model.json needs ${formatCount(needed)} bytes; the data ends inside weight "${cut.name}".`, {
        location: shardNames,
        hint: "The upload is incomplete or the shards belong to another model: upload all .bin files exactly as saved.",
      });
    }
    if (data.length > needed) {
      warnings.add("EXTRA_WEIGHT_BYTES", `${shardNames} holds ${formatCount(data.length - needed)} more bytes than model.json describes; they are ignored.`, { location: shardNames });
    }
    let offset = 0;
    for (const spec of group.weights) {
      weights.push({ spec, bytes: data.subarray(offset, offset + spec.bytes) });
      offset += spec.bytes;
    }
    buffers.push(data.subarray(0, needed));
  }
  const all = concat(buffers);
  return {
    weights,
    weightSpecs: weights.map(({ spec }) => ({ name: spec.name, shape: spec.shape, dtype: spec.dtype as "float32", ...(spec.quantization ? { quantization: spec.quantization } : {}) })),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
  };
}

export function baseName(path: string): string {
  return path.replace(/\\/g, "/").split("/").pop() ?? path;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Values of one weight as float32 (dequantizing uint8/uint16/float16 if needed). */
function decodeWeight(spec: ManifestWeight, bytes: Uint8Array): Float32Array {
  const copy = bytes.slice(); // aligned copy
  const q = spec.quantization;
  if (!q) return new Float32Array(copy.buffer, 0, spec.elements);
  if (q.dtype === "float16") {
    const words = new Uint16Array(copy.buffer, 0, spec.elements);
    return Float32Array.from(words, halfToFloat);
  }
  const raw = q.dtype === "uint8" ? copy : new Uint16Array(copy.buffer, 0, spec.elements);
  const out = new Float32Array(spec.elements);
  for (let i = 0; i < spec.elements; i++) out[i] = raw[i] * q.scale! + q.min!;
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * Layers-model weights by name: "<layer path>/<variable>[:0]", where the layer path may carry
 * extra prefixes (model names). The longest suffix match of the layer's own path wins.
 */
export class ManifestNameSource implements WeightSource {
  private readonly byLayerPath = new Map<string, StoredWeight[]>();

  constructor(
    readonly fileName: string,
    weights: TfjsWeights["weights"],
  ) {
    for (const { spec, bytes } of weights) {
      const parts = spec.name.replace(/:\d+$/, "").split("/");
      const key = parts.slice(0, -1).join("/");
      const list = this.byLayerPath.get(key) ?? [];
      list.push({ name: spec.name, shape: spec.shape, read: () => decodeWeight(spec, bytes) });
      this.byLayerPath.set(key, list);
    }
  }

  forLayer(layer: LayerAnalysis): StoredWeight[] | null {
    const keys = [...this.byLayerPath.keys()];
    for (let k = layer.path.length; k >= 1; k--) {
      const suffix = layer.path.slice(-k);
      const matches = keys.filter((key) => {
        const parts = key.split("/");
        return parts.length >= k && suffix.every((s, i) => parts[parts.length - k + i] === s);
      });
      const exact = matches.find((m) => m === layer.path.join("/"));
      const chosen = exact ?? (matches.length === 1 ? matches[0] : undefined);
      if (chosen) return orderByVariableName(this.byLayerPath.get(chosen)!, layer.weights.map((w) => w.name));
    }
    return null;
  }

  unclaimed(claimed: Set<StoredWeight>): string[] {
    return [...this.byLayerPath.entries()].filter(([, list]) => list.some((w) => !claimed.has(w))).map(([key]) => key);
  }
}

/** Puts stored weights in the expected order when their variable names say which is which. */
function orderByVariableName(stored: StoredWeight[], expected: string[]): StoredWeight[] {
  const variable = (w: StoredWeight) => w.name.replace(/:\d+$/, "").split("/").pop()!;
  if (stored.length !== expected.length || !stored.every((w) => expected.includes(variable(w)))) return stored;
  return expected.map((name) => stored.find((w) => variable(w) === name)!);
}

/** Loads a graph model through TF.js' own executor, from already validated parts. */
export async function loadGraphModel(model: TfjsModelJson, weights: TfjsWeights): Promise<tf.GraphModel> {
  const raw = model.raw;
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: model.topology as object,
    weightSpecs: weights.weightSpecs,
    weightData: weights.weightData,
    format: "graph-model",
    generatedBy: raw.generatedBy as string | undefined,
    convertedBy: raw.convertedBy as string | undefined,
    signature: raw.signature as object | undefined,
    userDefinedMetadata: raw.userDefinedMetadata as Record<string, object> | undefined,
    modelInitializer: raw.modelInitializer as object | undefined,
  };
  try {
    return await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    fail("MALFORMED_MODEL_JSON", `${model.fileName}: TensorFlow.js cannot load this graph model: ${error instanceof Error ? error.message : String(error)}`, {
      location: model.fileName,
      hint: "Convert the model again with tensorflowjs_converter and upload model.json with all its .bin files.",
    });
  }
}
