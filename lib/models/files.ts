/**
 * What was uploaded: checks sizes, then recognizes the format from the bytes (magic numbers
 * and JSON content), not from the file names, which students rename freely. Zip archives are
 * opened here (safely, see ./zip.ts): a .keras archive, or a zipped TF.js model folder.
 */
import { fail, formatBytes, type WarningList } from "./errors";
import { isHdf5 } from "./hdf5";
import { decodeUtf8, isPlainObject, parseJsonSafely } from "./json";
import type { SubmissionLimits } from "./limits";
import { isZip, readZip } from "./zip";

export interface SubmissionFile {
  name: string;
  data: Uint8Array;
}

export type SubmissionFormat = "keras-archive" | "keras-h5" | "tfjs-layers" | "tfjs-graph" | "keras-json";

export const FORMAT_LABELS: Record<SubmissionFormat, string> = {
  "keras-archive": "Keras .keras archive",
  "keras-h5": "Keras HDF5 (.h5)",
  "tfjs-layers": "TensorFlow.js layers model",
  "tfjs-graph": "TensorFlow.js graph model",
  "keras-json": "Keras architecture JSON",
};

export type DetectedSubmission =
  | { format: "keras-archive"; name: string; entries: Map<string, Uint8Array> }
  | { format: "keras-h5"; name: string; data: Uint8Array }
  | { format: "tfjs-layers"; name: string; modelJson: Uint8Array; files: Map<string, Uint8Array> }
  | { format: "tfjs-graph"; name: string; modelJson: Uint8Array; files: Map<string, Uint8Array> }
  | { format: "keras-json"; name: string; json: unknown };

export function checkUploadSizes(files: SubmissionFile[], limits: SubmissionLimits): void {
  if (files.length === 0) fail("NO_FILES", "No file was submitted.", { hint: "Upload your saved model (.keras, .h5, or model.json with its .bin files)." });
  if (files.length > limits.maxFiles) {
    fail("TOO_MANY_FILES", `${files.length} files were submitted; at most ${limits.maxFiles} are accepted.`, {
      hint: "Upload only the model: one .keras or .h5 file, or model.json with its .bin shards.",
    });
  }
  let total = 0;
  for (const file of files) {
    total += file.data.length;
    if (file.data.length > limits.maxFileBytes) {
      fail("FILE_TOO_LARGE", `${file.name} is ${formatBytes(file.data.length)}; each file may be at most ${formatBytes(limits.maxFileBytes)}.`, {
        location: file.name,
        hint: "Submit a smaller model (fewer or narrower layers).",
      });
    }
  }
  if (total > limits.maxTotalBytes) {
    fail("SUBMISSION_TOO_LARGE", `The files total ${formatBytes(total)}; a submission may be at most ${formatBytes(limits.maxTotalBytes)}.`, {
      hint: "Submit a smaller model.",
    });
  }
}

const baseName = (name: string) => name.replace(/\\/g, "/").split("/").pop() ?? name;
const looksLikeJson = (data: Uint8Array) => {
  for (const byte of data.subarray(0, 64)) {
    if (byte === 0x7b /* { */) return true;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09 && byte !== 0xef && byte !== 0xbb && byte !== 0xbf) return false;
  }
  return false;
};

export function detectSubmission(files: SubmissionFile[], limits: SubmissionLimits, warnings: WarningList): DetectedSubmission {
  checkUploadSizes(files, limits);
  const byName = new Map<string, Uint8Array>();
  for (const file of files) byName.set(baseName(file.name), file.data);

  const zips = files.filter((f) => isZip(f.data));
  const hdf5s = files.filter((f) => isHdf5(f.data));
  const jsons = files.filter((f) => looksLikeJson(f.data));
  const single = files.length === 1 ? files[0] : null;

  if (zips.length > 0) {
    if (files.length > 1) ambiguous(files, "a zip archive must be submitted on its own");
    return openArchive(zips[0], limits, warnings);
  }
  if (hdf5s.length > 0) {
    if (hdf5s.length > 1) ambiguous(files, "several HDF5 files were submitted");
    const h5 = hdf5s[0];
    for (const other of files) if (other !== h5) warnings.add("EXTRA_FILE", `${other.name} is not part of an HDF5 model and is ignored.`, { location: other.name });
    if (!/\.(h5|hdf5|keras)$/i.test(h5.name)) warnings.add("EXTENSION_MISMATCH", `${h5.name} is an HDF5 file; it was read as a Keras .h5 model.`, { location: h5.name });
    return { format: "keras-h5", name: h5.name, data: h5.data };
  }
  if (jsons.length > 0) return detectJson(files, jsons, byName, limits, warnings);

  const names = files.map((f) => f.name).join(", ");
  if (files.some((f) => /saved_model\.pb$|\.pb$/i.test(f.name))) {
    fail("UNSUPPORTED_FORMAT", `${names}: TensorFlow SavedModel (.pb) files are not accepted.`, {
      hint: "Save with model.save('model.keras'), or convert with tensorflowjs_converter and upload model.json with its .bin files.",
    });
  }
  if (files.some((f) => /\.(onnx|pt|pth|ckpt|tflite)$/i.test(f.name))) {
    fail("UNSUPPORTED_FORMAT", `${names}: this format is not accepted (Holdout reads Keras and TensorFlow.js models).`, {
      hint: "Save a Keras model with model.save('model.keras') or model.save('model.h5').",
    });
  }
  if (single && single.data.length < 8) {
    fail("UNKNOWN_FORMAT", `${single.name} is only ${single.data.length} bytes: the upload is empty or truncated.`, { location: single.name, hint: "Upload the saved model file again." });
  }
  fail("UNKNOWN_FORMAT", `${names}: not a recognized model (expected a .keras zip, an HDF5 .h5 file, or a TF.js model.json with its .bin files).`, {
    hint: "Upload the file(s) exactly as Keras or TensorFlow.js saved them.",
  });
}

function ambiguous(files: SubmissionFile[], why: string): never {
  fail("AMBIGUOUS_SUBMISSION", `Cannot tell which model to use: ${why} (${files.map((f) => f.name).join(", ")}).`, {
    hint: "Submit one model: a .keras or .h5 file, or model.json with its .bin shards.",
  });
}

function openArchive(zip: SubmissionFile, limits: SubmissionLimits, warnings: WarningList): DetectedSubmission {
  const entries = readZip(zip.data, zip.name, {
    maxEntries: limits.maxZipEntries,
    maxUncompressedBytes: limits.maxZipUncompressedBytes,
    maxCompressionRatio: limits.maxZipCompressionRatio,
  });
  if (entries.has("config.json") || entries.has("model.weights.h5")) {
    if (!/\.keras$/i.test(zip.name)) warnings.add("EXTENSION_MISMATCH", `${zip.name} is a Keras archive; it was read as a .keras file.`, { location: zip.name });
    return { format: "keras-archive", name: zip.name, entries };
  }
  if ([...entries.keys()].some((n) => n === "data.pkl" || n.endsWith("/data.pkl"))) {
    fail("UNSUPPORTED_FORMAT", `${zip.name} is a PyTorch checkpoint; Holdout reads Keras and TensorFlow.js models.`, { location: zip.name });
  }
  // A zipped TF.js folder: use the entries as if uploaded one by one (folders flattened).
  const inner: SubmissionFile[] = [...entries].map(([name, data]) => ({ name: `${zip.name} > ${name}`, data }));
  if (!inner.some((f) => looksLikeJson(f.data))) {
    fail("UNKNOWN_FORMAT", `${zip.name} holds neither a Keras model (config.json) nor a TF.js model (model.json).`, {
      location: zip.name,
      hint: "Upload the .keras file written by model.save('model.keras'), or zip the folder holding model.json and its .bin files.",
    });
  }
  const byName = new Map<string, Uint8Array>();
  for (const file of inner) byName.set(baseName(file.name), file.data);
  return detectJson(inner, inner.filter((f) => looksLikeJson(f.data)), byName, limits, warnings);
}

function detectJson(
  files: SubmissionFile[],
  jsons: SubmissionFile[],
  byName: Map<string, Uint8Array>,
  limits: SubmissionLimits,
  warnings: WarningList,
): DetectedSubmission {
  const modelJsons = jsons.filter((f) => {
    const head = new TextDecoder().decode(f.data.subarray(0, 4096));
    return head.includes('"modelTopology"') || head.includes('"weightsManifest"') || baseName(f.name) === "model.json";
  });
  if (modelJsons.length > 1) ambiguous(files, "several model.json files were submitted");
  if (modelJsons.length === 1) {
    const modelJson = modelJsons[0];
    // The graph/layers decision needs the parsed JSON; parsing is repeated by the reader (cheap).
    const parsed = parseJsonSafely(decodeUtf8(modelJson.data, modelJson.name), { where: modelJson.name, maxDepth: limits.maxJsonDepth });
    const isGraph = isPlainObject(parsed) && (parsed.format === "graph-model" || (isPlainObject(parsed.modelTopology) && Array.isArray(parsed.modelTopology.node)));
    if (isPlainObject(parsed) && !("weightsManifest" in parsed) && !("modelTopology" in parsed)) {
      return { format: "keras-json", name: modelJson.name, json: parsed };
    }
    const shardNames = new Set(
      isPlainObject(parsed) && Array.isArray(parsed.weightsManifest)
        ? parsed.weightsManifest.flatMap((g) => (isPlainObject(g) && Array.isArray(g.paths) ? g.paths.map((p) => baseName(String(p))) : []))
        : [],
    );
    for (const file of files) {
      const name = baseName(file.name);
      if (file !== modelJson && !shardNames.has(name)) warnings.add("EXTRA_FILE", `${file.name} is not listed in ${baseName(modelJson.name)} and is ignored.`, { location: file.name });
    }
    return isGraph
      ? { format: "tfjs-graph", name: modelJson.name, modelJson: modelJson.data, files: byName }
      : { format: "tfjs-layers", name: modelJson.name, modelJson: modelJson.data, files: byName };
  }
  if (jsons.length > 1) ambiguous(files, "several JSON files were submitted");
  const json = jsons[0];
  const parsed = parseJsonSafely(decodeUtf8(json.data, json.name), { where: json.name, maxDepth: limits.maxJsonDepth });
  for (const file of files) if (file !== json) warnings.add("EXTRA_FILE", `${file.name} is ignored.`, { location: file.name });
  return { format: "keras-json", name: json.name, json: parsed };
}

