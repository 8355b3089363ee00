/**
 * IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed.
 *
 * Layout: a big-endian magic number 0x000008NN (0x08 = unsigned bytes, NN = number of
 * dimensions), one big-endian uint32 per dimension, then the data, row-major.
 * Images: 0x00000803 [count, rows, cols]; labels: 0x00000801 [count].
 *
 * Parsed data is returned as views into the decompressed buffer: no copy per image.
 */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { DatasetFileError, formatBytes } from "./errors";

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;
const IMAGES_HEADER = 16;
const LABELS_HEADER = 8;

/** Largest decompressed file accepted (MNIST train images are 47 MB). */
export const DEFAULT_MAX_IDX_BYTES = 1024 * 1024 * 1024;

export interface IdxExpect {
  /** Number of records the file must hold. */
  count?: number;
  rows?: number;
  cols?: number;
  /** Labels must be < numClasses. */
  numClasses?: number;
  /** What a person should do about a bad file, e.g. "delete it and run `npx holdout datasets fetch mnist`". */
  hint?: string;
}

export interface IdxImages {
  images: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export interface IdxLabels {
  labels: Uint8Array;
  count: number;
}

export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

function todo(hint: string | undefined): string {
  return hint ?? "replace it with a complete, verified copy";
}

/** Decompresses gzip data (detected by its magic bytes); other data is returned as is. */
export function gunzipIfNeeded(data: Uint8Array, file: string, opts: { maxBytes?: number; hint?: string } = {}): Uint8Array {
  if (!isGzip(data)) return data;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_IDX_BYTES;
  try {
    const out = gunzipSync(data, { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
      throw new DatasetFileError(file, `${file}: decompresses to more than ${formatBytes(maxBytes)}, which is more than any supported dataset file. Check that this is the right file.`);
    }
    const reason = code === "Z_BUF_ERROR" ? "the gzip stream ends early" : "the gzip stream is corrupt";
    throw new DatasetFileError(file, `${file}: ${reason}, so it cannot be decompressed. The file is truncated or damaged; ${todo(opts.hint)}.`);
  }
}

function readU32BE(data: Uint8Array, offset: number): number {
  return ((data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3]) >>> 0;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

function describeMagic(magic: number): string {
  if (magic === IDX_IMAGES_MAGIC) return " (that of an IDX image file)";
  if (magic === IDX_LABELS_MAGIC) return " (that of an IDX label file)";
  if ((magic & 0xffff0000) === 0x1f8b0000) return " (a gzip header: the file is compressed twice?)";
  return "";
}

/** Parses an IDX image file (raw or gzip). `images` is a view: count*rows*cols bytes, NHWC with C=1. */
export function parseIdxImages(input: Uint8Array, file: string, expect: IdxExpect = {}): IdxImages {
  const data = gunzipIfNeeded(input, file, { hint: expect.hint });
  const magic = data.length >= 4 ? readU32BE(data, 0) : -1;
  if (magic !== -1 && magic !== IDX_IMAGES_MAGIC) {
    throw new DatasetFileError(file, `${file}: not an IDX image file: expected magic number ${hex(IDX_IMAGES_MAGIC)}, found ${hex(magic)}${describeMagic(magic)}. Check that the images and labels files are not swapped; otherwise ${todo(expect.hint)}.`);
  }
  if (data.length < IMAGES_HEADER) {
    throw new DatasetFileError(file, `${file}: expected an IDX image file with a ${IMAGES_HEADER}-byte header, found only ${data.length} bytes. The file is truncated; ${todo(expect.hint)}.`);
  }
  const count = readU32BE(data, 4);
  const rows = readU32BE(data, 8);
  const cols = readU32BE(data, 12);
  if (rows === 0 || cols === 0 || rows > 4096 || cols > 4096) {
    throw new DatasetFileError(file, `${file}: implausible image size ${rows}x${cols} in the IDX header. The file is corrupt; ${todo(expect.hint)}.`);
  }
  if ((expect.rows !== undefined && rows !== expect.rows) || (expect.cols !== undefined && cols !== expect.cols)) {
    throw new DatasetFileError(file, `${file}: expected ${expect.rows ?? "?"}x${expect.cols ?? "?"} images, found ${rows}x${cols} in the IDX header. This is not the expected dataset; ${todo(expect.hint)}.`);
  }
  if (expect.count !== undefined && count !== expect.count) {
    throw new DatasetFileError(file, `${file}: expected ${expect.count} images, the IDX header says ${count}. This is not the expected file; ${todo(expect.hint)}.`);
  }
  const pixelBytes = count * rows * cols;
  const found = data.length - IMAGES_HEADER;
  if (found < pixelBytes) {
    throw new DatasetFileError(file, `${file}: expected ${pixelBytes} pixel bytes after the ${IMAGES_HEADER}-byte header, found ${found}. The file is truncated; ${todo(expect.hint)}.`);
  }
  if (found > pixelBytes) {
    throw new DatasetFileError(file, `${file}: expected ${pixelBytes} pixel bytes after the ${IMAGES_HEADER}-byte header, found ${found} (${found - pixelBytes} extra). The header and the data disagree, so the file is corrupt; ${todo(expect.hint)}.`);
  }
  return { images: data.subarray(IMAGES_HEADER, IMAGES_HEADER + pixelBytes), count, rows, cols };
}

/** Parses an IDX label file (raw or gzip). `labels` is a view into the decompressed data. */
export function parseIdxLabels(input: Uint8Array, file: string, expect: IdxExpect = {}): IdxLabels {
  const data = gunzipIfNeeded(input, file, { hint: expect.hint });
  const magic = data.length >= 4 ? readU32BE(data, 0) : -1;
  if (magic !== -1 && magic !== IDX_LABELS_MAGIC) {
    throw new DatasetFileError(file, `${file}: not an IDX label file: expected magic number ${hex(IDX_LABELS_MAGIC)}, found ${hex(magic)}${describeMagic(magic)}. Check that the images and labels files are not swapped; otherwise ${todo(expect.hint)}.`);
  }
  if (data.length < LABELS_HEADER) {
    throw new DatasetFileError(file, `${file}: expected an IDX label file with an ${LABELS_HEADER}-byte header, found only ${data.length} bytes. The file is truncated; ${todo(expect.hint)}.`);
  }
  const count = readU32BE(data, 4);
  if (expect.count !== undefined && count !== expect.count) {
    throw new DatasetFileError(file, `${file}: expected ${expect.count} labels, the IDX header says ${count}. This is not the expected file; ${todo(expect.hint)}.`);
  }
  const found = data.length - LABELS_HEADER;
  if (found < count) {
    throw new DatasetFileError(file, `${file}: expected ${count} label bytes after the ${LABELS_HEADER}-byte header, found ${found}. The file is truncated; ${todo(expect.hint)}.`);
  }
  if (found > count) {
    throw new DatasetFileError(file, `${file}: expected ${count} label bytes after the ${LABELS_HEADER}-byte header, found ${found} (${found - count} extra). The header and the data disagree, so the file is corrupt; ${todo(expect.hint)}.`);
  }
  const labels = data.subarray(LABELS_HEADER, LABELS_HEADER + count);
  if (expect.numClasses !== undefined) {
    const bad = firstOutOfRange(labels, expect.numClasses);
    if (bad >= 0) {
      throw new DatasetFileError(file, `${file}: label of record ${bad} is outside 0..${expect.numClasses - 1}. The file is corrupt or belongs to another dataset; ${todo(expect.hint)}.`);
    }
  }
  return { labels, count };
}

/** Index of the first label >= numClasses, or -1. */
export function firstOutOfRange(labels: Uint8Array, numClasses: number): number {
  for (let i = 0; i < labels.length; i++) if (labels[i] >= numClasses) return i;
  return -1;
}

/** Reads and parses an images/labels pair and checks that they agree on the number of records. */
export async function readIdxPair(
  imagesPath: string,
  labelsPath: string,
  expect: IdxExpect = {},
): Promise<{ images: Uint8Array; labels: Uint8Array; count: number; rows: number; cols: number }> {
  const [imgData, lblData] = await Promise.all([readFile(imagesPath), readFile(labelsPath)]);
  const img = parseIdxImages(imgData, imagesPath, expect);
  const lbl = parseIdxLabels(lblData, labelsPath, expect);
  if (img.count !== lbl.count) {
    throw new DatasetFileError(labelsPath, `${labelsPath}: holds ${lbl.count} labels but ${imagesPath} holds ${img.count} images. The two files do not belong together; ${todo(expect.hint)}.`);
  }
  return { images: img.images, labels: lbl.labels, count: img.count, rows: img.rows, cols: img.cols };
}

/** Encodes IDX files (used by tests and tools that write custom sets). */
export function encodeIdxImages(images: Uint8Array, count: number, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(IMAGES_HEADER + images.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, IDX_IMAGES_MAGIC);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  out.set(images, IMAGES_HEADER);
  return out;
}

export function encodeIdxLabels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(LABELS_HEADER + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, IDX_LABELS_MAGIC);
  view.setUint32(4, labels.length);
  out.set(labels, LABELS_HEADER);
  return out;
}
