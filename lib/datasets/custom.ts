/**
 * Custom hidden test sets uploaded by an instructor:
 *   - an IDX pair (images + labels, raw or .gz),
 *   - one or more CIFAR-10 binary files (records of 1 label byte + 3072 planar RGB bytes),
 *   - a zip of PNG images in folders named by class: `class_name/xxx.png`
 *     (one wrapping folder, `test/class_name/xxx.png`, is accepted too).
 * An optional text file (classes.txt, class_names.txt, labels.txt or batches.meta.txt) lists
 * class names one per line in label order.
 *
 * The result has the shape of loadDataset's, plus a report. Uploads are untrusted: zip entry
 * count, total uncompressed size and decoded pixel bytes are capped, and entry names that
 * climb out of the archive (`..`, absolute paths) are refused. Messages never quote data.
 */
import { PNG } from "pngjs";
import { CIFAR_RECORD_BYTES, CIFAR_SIDE, parseCifar10Batches } from "./loaders/cifar";
import { formatBytes } from "./loaders/errors";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, gunzipIfNeeded, parseIdxImages, parseIdxLabels } from "./loaders/idx";
import { listZipEntries, readZip, type ZipEntryInfo } from "@/lib/models/zip";
import { DATASETS } from "./registry";
import type { LoadedDataset } from "./loaded";

export interface CustomFile {
  name: string;
  data: Uint8Array;
}

export interface CustomTestSetReport {
  format: "idx" | "cifar10-binary" | "png-zip";
  count: number;
  shape: [number, number, number];
  numClasses: number;
  classNames: string[];
  perClassCounts: number[];
  warnings: string[];
}

/** Shaped like a loaded built-in test set, so scoring takes either. `source`: the uploaded file names. */
export interface CustomTestSet extends Omit<LoadedDataset, "name" | "split"> {
  name: "custom";
  split: "test";
  report: CustomTestSetReport;
}

export interface CustomOptions {
  /** Class names in label order (else from a classes file, folder names, or label numbers). */
  classNames?: string[];
  /** Refuse a set whose image shape differs (e.g. the competition's model input). */
  expectedShape?: [number, number, number];
  /** Cap on the total uncompressed bytes of a zip's entries / a gzip file (default 512 MiB). */
  maxUncompressedBytes?: number;
  /** Cap on the number of zip entries (default 200000). */
  maxEntries?: number;
  /** Cap on decoded image bytes (default 1 GiB). */
  maxPixelBytes?: number;
  /** Largest accepted image side in pixels (default 1024). */
  maxImageSide?: number;
}

export class CustomTestSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CustomTestSetError";
  }
}

const DEFAULTS = {
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxEntries: 200_000,
  maxPixelBytes: 1024 * 1024 * 1024,
  maxImageSide: 1024,
};

const CLASS_FILES = new Set(["classes.txt", "class_names.txt", "labels.txt", "batches.meta.txt"]);
const HELP = "Upload either a zip of PNG images in folders named by class (class_name/image.png), an IDX pair (images + labels, .gz or raw), or CIFAR-10 binary files (.bin).";

function baseName(name: string): string {
  return name.replace(/\\/g, "/").split("/").pop() ?? name;
}

function isZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 3 || data[2] === 5) && (data[3] === 4 || data[3] === 6);
}

function parseClassNames(data: Uint8Array, file: string): string[] {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(data);
  const names = text.split(/\r?\n/).map((s) => s.trim());
  while (names.length && names[names.length - 1] === "") names.pop();
  if (names.length === 0) throw new CustomTestSetError(`${file}: no class names in it. Put one class name per line, in label order.`);
  const empty = names.findIndex((n) => n === "");
  if (empty >= 0) throw new CustomTestSetError(`${file}: line ${empty + 1} is empty. Put one class name per line, in label order, with no blank lines between.`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new CustomTestSetError(`${file}: the class name "${dup}" appears twice. Each class needs a distinct name.`);
  return names;
}

/** Parses an uploaded test set; throws CustomTestSetError / DatasetFileError with what to do. */
export function parseCustomTestSet(files: CustomFile[], opts: CustomOptions = {}): CustomTestSet {
  if (!files.length) throw new CustomTestSetError(`No files uploaded. ${HELP}`);
  const limits = { ...DEFAULTS, ...definedOnly(opts) };
  const classFiles = files.filter((f) => CLASS_FILES.has(baseName(f.name).toLowerCase()));
  const data = files.filter((f) => !classFiles.includes(f));
  if (classFiles.length > 1) throw new CustomTestSetError(`Upload at most one class-names file; got ${classFiles.map((f) => f.name).join(", ")}.`);
  let classNames = opts.classNames ? [...opts.classNames] : classFiles.length ? parseClassNames(classFiles[0].data, classFiles[0].name) : undefined;
  const source = `upload: ${files.map((f) => baseName(f.name)).join(", ")}`;

  const zips = data.filter((f) => isZip(f.data));
  if (zips.length > 0) {
    if (data.length > 1) throw new CustomTestSetError(`Upload the zip on its own (got ${data.length} files: ${data.map((f) => baseName(f.name)).join(", ")}). ${HELP}`);
    return finish(parseZip(zips[0], classNames, limits), source, opts);
  }

  // IDX: identified by magic number after optional gzip.
  const decoded = data.map((f) => ({ ...f, raw: gunzipIfNeeded(f.data, f.name, { maxBytes: limits.maxUncompressedBytes, hint: "check the upload" }) }));
  const magicOf = (d: Uint8Array) => (d.length >= 4 ? ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0 : -1);
  const idxImages = decoded.filter((f) => magicOf(f.raw) === IDX_IMAGES_MAGIC);
  const idxLabels = decoded.filter((f) => magicOf(f.raw) === IDX_LABELS_MAGIC);
  if (idxImages.length || idxLabels.length) {
    if (idxImages.length !== 1 || idxLabels.length !== 1 || decoded.length !== 2) {
      throw new CustomTestSetError(
        `An IDX test set is exactly two files: one images file (magic 0x00000803) and one labels file (magic 0x00000801). ` +
          `Got ${idxImages.length} images file(s), ${idxLabels.length} labels file(s) and ${decoded.length - idxImages.length - idxLabels.length} other file(s). ` +
          "Upload the pair (and optionally a classes.txt).",
      );
    }
    const img = parseIdxImages(idxImages[0].raw, idxImages[0].name, { hint: "fix the file and upload it again" });
    const lbl = parseIdxLabels(idxLabels[0].raw, idxLabels[0].name, { hint: "fix the file and upload it again" });
    if (img.count !== lbl.count) {
      throw new CustomTestSetError(`${idxLabels[0].name} holds ${lbl.count} labels but ${idxImages[0].name} holds ${img.count} images. Each image needs exactly one label; upload a matching pair.`);
    }
    classNames = checkLabels(lbl.labels, classNames, idxLabels[0].name);
    return finish({ format: "idx", images: img.images, labels: lbl.labels, count: img.count, shape: [img.rows, img.cols, 1], classNames, warnings: [] }, source, opts);
  }

  const bins = decoded.filter((f) => f.raw.length > 0 && f.raw.length % CIFAR_RECORD_BYTES === 0);
  if (bins.length && bins.length === decoded.length) {
    const warnings: string[] = [];
    const names = classNames ?? DATASETS.cifar10.classNames;
    if (!classNames) warnings.push("No class names given; assuming CIFAR-10's (airplane ... truck). Upload a classes.txt if your classes differ.");
    const out = parseCifar10Batches(bins.map((b) => ({ data: b.raw, file: b.name, expect: { numClasses: 256, hint: "fix the file and upload it again" } })));
    const checked = checkLabels(out.labels, names, bins.map((b) => b.name).join(", "));
    return finish({ format: "cifar10-binary", images: out.images, labels: out.labels, count: out.count, shape: [CIFAR_SIDE, CIFAR_SIDE, 3], classNames: checked, warnings }, source, opts);
  }

  const odd = decoded.filter((f) => !bins.includes(f)).map((f) => `${baseName(f.name)} (${formatBytes(f.raw.length)})`);
  throw new CustomTestSetError(`Could not recognise ${odd.join(", ")}: not a zip, not an IDX file, and not a whole number of ${CIFAR_RECORD_BYTES}-byte CIFAR-10 records. ${HELP}`);
}

function definedOnly(opts: CustomOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const k of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) if (opts[k] !== undefined) out[k] = opts[k];
  return out;
}

/** Labels must index into classNames; without names, names are the label numbers 0..max. */
function checkLabels(labels: Uint8Array, classNames: string[] | undefined, file: string): string[] {
  let max = 0;
  let at = -1;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] > max) {
      max = labels[i];
      at = i;
    }
  }
  if (!classNames) return Array.from({ length: max + 1 }, (_, i) => String(i));
  if (max >= classNames.length) {
    throw new CustomTestSetError(`${file}: label ${max} (first at record ${at}) is out of range: there are only ${classNames.length} class names, so labels must be 0..${classNames.length - 1}. Fix the labels, or list every class in classes.txt.`);
  }
  return classNames;
}

interface Parsed {
  format: CustomTestSetReport["format"];
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  shape: [number, number, number];
  classNames: string[];
  warnings: string[];
}

function finish(p: Parsed, source: string, opts: CustomOptions): CustomTestSet {
  if (p.count === 0) throw new CustomTestSetError(`The test set has no images. ${HELP}`);
  if (opts.expectedShape && p.shape.join("x") !== opts.expectedShape.join("x")) {
    throw new CustomTestSetError(`The images are ${p.shape.join("x")} (height x width x channels) but this competition expects ${opts.expectedShape.join("x")}. Convert the images to that size and colour format, then upload again.`);
  }
  const numClasses = p.classNames.length;
  const perClassCounts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < p.labels.length; i++) perClassCounts[p.labels[i]]++;
  const warnings = [...p.warnings];
  const empty = perClassCounts.map((c, i) => (c === 0 ? p.classNames[i] : null)).filter((x): x is string => x !== null);
  if (empty.length) warnings.push(`No images for ${empty.length === 1 ? "class" : "classes"} ${empty.map((n) => `"${n}"`).join(", ")}: scores will say nothing about ${empty.length === 1 ? "it" : "them"}.`);
  const present = perClassCounts.filter((c) => c > 0);
  const most = Math.max(...present);
  const least = Math.min(...present);
  if (most > 2 * least) {
    const big = p.classNames[perClassCounts.indexOf(most)];
    const small = p.classNames[perClassCounts.indexOf(least)];
    warnings.push(`Classes are imbalanced: "${big}" has ${most} images, "${small}" only ${least} (more than 2x). Accuracy will be dominated by the large classes; consider balancing the set or scoring with balanced accuracy / macro F1.`);
  }
  if (p.count < 100) warnings.push(`Only ${p.count} images: scores will be noisy (one image is ${(100 / p.count).toFixed(1)}% accuracy).`);
  const report: CustomTestSetReport = { format: p.format, count: p.count, shape: p.shape, numClasses, classNames: p.classNames, perClassCounts, warnings };
  return { name: "custom", split: "test", images: p.images, labels: p.labels, count: p.count, shape: p.shape, numClasses, classNames: p.classNames, source, report };
}

// ---------------------------------------------------------------------------------------------
// Zip of PNG folders

const JUNK = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;

function unsafeEntryName(name: string): boolean {
  const n = name.replace(/\\/g, "/");
  if (n.startsWith("/") || /^[a-zA-Z]:/.test(n)) return true;
  return n.split("/").some((seg) => seg === "..");
}

function pngSize(data: Uint8Array): { width: number; height: number } | null {
  if (data.length < 24 || data[0] !== 0x89 || data[1] !== 0x50 || data[2] !== 0x4e || data[3] !== 0x47) return null;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true, sensitivity: "variant" });
}

function parseZip(zip: CustomFile, classNamesIn: string[] | undefined, limits: typeof DEFAULTS): Parsed {
  const zipName = baseName(zip.name);
  // Pass 1: read the central directory only (no decompression) and check the entries.
  let listed: ZipEntryInfo[];
  try {
    listed = listZipEntries(zip.data, zipName);
  } catch (error) {
    throw new CustomTestSetError(`${zipName}: not a readable zip file (${problemText(error)}). Create the zip again (e.g. \`zip -r test.zip class_a class_b ...\`) and upload it.`);
  }
  if (listed.length > limits.maxEntries) throw new CustomTestSetError(`${zipName}: more than ${limits.maxEntries} entries. Split the test set or remove extra files.`);
  const infos = listed.map((entry) => ({ name: entry.name, originalSize: entry.uncompressedSize }));
  const bad = infos.find((i) => unsafeEntryName(i.name));
  if (bad) {
    throw new CustomTestSetError(`${zipName}: refused: the entry "${bad.name}" points outside the archive (absolute path or ".."). Zip the class folders themselves, with relative paths.`);
  }
  const files = infos.filter((i) => !i.name.endsWith("/") && !JUNK.test(i.name) && !baseName(i.name).startsWith("."));
  const declared = files.reduce((a, i) => a + i.originalSize, 0);
  if (declared > limits.maxUncompressedBytes) {
    throw new CustomTestSetError(`${zipName}: refused: its entries would unpack to ${formatBytes(declared)}, over the ${formatBytes(limits.maxUncompressedBytes)} limit. A test set of PNG images is far smaller; check the zip.`);
  }
  const classFile = files.find((i) => CLASS_FILES.has(baseName(i.name).toLowerCase()) && i.name.replace(/\\/g, "/").split("/").length <= 2);
  const others = files.filter((i) => i !== classFile);
  const notPng = others.find((i) => !/\.png$/i.test(i.name));
  if (notPng) {
    throw new CustomTestSetError(`${zipName}: "${notPng.name}" is not a PNG image. Only PNG images in class folders are accepted (class_name/image.png); convert other formats to PNG or remove them.`);
  }
  if (others.length === 0) throw new CustomTestSetError(`${zipName}: no PNG images found. ${HELP}`);

  // Layout: class/image.png, or one wrapping folder: top/class/image.png.
  const parts = others.map((i) => i.name.replace(/\\/g, "/").split("/"));
  const depth = parts[0].length;
  if (!parts.every((p) => p.length === depth) || (depth !== 2 && depth !== 3) || (depth === 3 && !parts.every((p) => p[0] === parts[0][0]))) {
    const wrong = parts.find((p) => p.length !== 2) ?? parts[0];
    throw new CustomTestSetError(`${zipName}: images must sit directly in folders named by class (class_name/image.png); "${wrong.join("/")}" does not. Put every image in its class folder, one level deep.`);
  }
  if (classFile && classFile.name.replace(/\\/g, "/").split("/").length === 2 && depth !== 3) {
    throw new CustomTestSetError(`${zipName}: "${classFile.name}" sits inside a class folder. Put the class-names file at the top of the zip, or remove it.`);
  }
  const classOf = (p: string[]) => p[depth - 2];
  const folderNames = [...new Set(parts.map(classOf))];
  let classNames: string[];
  const warnings: string[] = [];
  if (classNamesIn) classNames = classNamesIn;
  else if (classFile) classNames = []; // filled after extraction
  else classNames = folderNames.sort(naturalCompare);

  // Pass 2: decompress the wanted entries with the same bounded reader as model archives: sizes
  // are already checked, and an entry that inflates past its declared size is refused as crafted.
  const wanted = new Set([...others.map((i) => i.name), ...(classFile ? [classFile.name] : [])]);
  let entries: Record<string, Uint8Array>;
  try {
    const zipLimits = { maxEntries: limits.maxEntries, maxUncompressedBytes: limits.maxUncompressedBytes, maxCompressionRatio: Infinity };
    entries = Object.fromEntries(readZip(zip.data, zipName, zipLimits, (name) => wanted.has(name)));
  } catch (error) {
    throw new CustomTestSetError(`${zipName}: could not be unpacked (${problemText(error)}). Create the zip again with standard compression (deflate) and upload it.`);
  }
  if (classFile && !classNamesIn) classNames = parseClassNames(entries[classFile.name], `${zipName}:${classFile.name}`);
  const unknown = folderNames.filter((f) => !classNames.includes(f));
  if (unknown.length) {
    throw new CustomTestSetError(`${zipName}: folder${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")} ${unknown.length > 1 ? "are" : "is"} not among the class names (${classNames.join(", ")}). Rename the folders or fix the class list.`);
  }

  // Order: by label, then by file name, so the same upload always gives the same order.
  const items = others
    .map((info, k) => ({ info, label: classNames.indexOf(classOf(parts[k])), file: parts[k][depth - 1] }))
    .sort((a, b) => a.label - b.label || naturalCompare(a.file, b.file));

  // Check sizes from the PNG headers before decoding anything.
  let first: { name: string; width: number; height: number } | null = null;
  for (const it of items) {
    const data = entries[it.info.name];
    const size = data ? pngSize(data) : null;
    if (!size) throw new CustomTestSetError(`${zipName}: "${it.info.name}" is not a valid PNG file (bad signature or truncated). Export it again as PNG.`);
    if (size.width === 0 || size.height === 0 || size.width > limits.maxImageSide || size.height > limits.maxImageSide) {
      throw new CustomTestSetError(`${zipName}: "${it.info.name}" is ${size.width}x${size.height} pixels; images must be 1..${limits.maxImageSide} pixels on each side. Resize the images.`);
    }
    if (!first) first = { name: it.info.name, ...size };
    else if (size.width !== first.width || size.height !== first.height) {
      throw new CustomTestSetError(`${zipName}: "${it.info.name}" is ${size.width}x${size.height} but "${first.name}" is ${first.width}x${first.height}. All images must be the same size; resize them to one size and upload again.`);
    }
  }
  const { width, height } = first!;
  const pixels = width * height;
  if (items.length * pixels * 4 > limits.maxPixelBytes) {
    throw new CustomTestSetError(`${zipName}: ${items.length} images of ${width}x${height} would take ${formatBytes(items.length * pixels * 4)} decoded, over the ${formatBytes(limits.maxPixelBytes)} limit. Use fewer or smaller images.`);
  }

  // Decode to RGBA, then keep 1 channel if every image is grey (R = G = B), else 3 (RGB).
  const rgba = new Uint8Array(items.length * pixels * 4);
  let grey = true;
  let usedAlpha = false;
  for (const [n, it] of items.entries()) {
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(entries[it.info.name].buffer, entries[it.info.name].byteOffset, entries[it.info.name].byteLength));
    } catch (error) {
      throw new CustomTestSetError(`${zipName}: "${it.info.name}" could not be decoded as PNG (${error instanceof Error ? error.message : String(error)}). Export it again as PNG.`);
    }
    delete entries[it.info.name];
    const d = png.data;
    rgba.set(d, n * pixels * 4);
    for (let p = 0; p < d.length; p += 4) {
      if (grey && (d[p] !== d[p + 1] || d[p] !== d[p + 2])) grey = false;
      if (d[p + 3] !== 255) usedAlpha = true;
    }
  }
  if (usedAlpha) warnings.push("Some images have transparent pixels; the alpha channel is ignored (the colour values underneath are used).");
  const channels = grey ? 1 : 3;
  const images = new Uint8Array(items.length * pixels * channels);
  for (let i = 0, o = 0; i < rgba.length; i += 4) {
    images[o++] = rgba[i];
    if (channels === 3) {
      images[o++] = rgba[i + 1];
      images[o++] = rgba[i + 2];
    }
  }
  const labels = Uint8Array.from(items.map((it) => it.label));
  if (classNames.length > 256) throw new CustomTestSetError(`${zipName}: ${classNames.length} classes; at most 256 are supported.`);
  return { format: "png-zip", images, labels, count: items.length, shape: [height, width, channels], classNames, warnings };
}

/** The words of a zip reader's refusal (a SubmissionError's problems, or an Error's message). */
function problemText(error: unknown): string {
  const problems = (error as { problems?: Array<{ message: string }> }).problems;
  if (problems?.length) return problems.map((problem) => problem.message).join("; ");
  return error instanceof Error ? error.message : String(error);
}
