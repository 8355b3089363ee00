/**
 * CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin).
 *
 * Each record is 1 label byte followed by 3072 pixel bytes: 1024 R, then 1024 G, then 1024 B,
 * each plane row-major over 32x32. TF.js wants NHWC (R,G,B interleaved per pixel), so records
 * are converted in one pass into a single preallocated buffer for all images.
 */
import { readFile } from "node:fs/promises";
import { DatasetFileError } from "./errors";
import { firstOutOfRange } from "./idx";

export const CIFAR_SIDE = 32;
export const CIFAR_PIXELS = CIFAR_SIDE * CIFAR_SIDE; // 1024
export const CIFAR_IMAGE_BYTES = CIFAR_PIXELS * 3; // 3072
export const CIFAR_RECORD_BYTES = CIFAR_IMAGE_BYTES + 1; // 3073

export interface CifarExpect {
  /** Number of records the file must hold. */
  count?: number;
  /** Labels must be < numClasses (default 10). */
  numClasses?: number;
  /** What a person should do about a bad file. */
  hint?: string;
}

export interface CifarData {
  /** count * 32 * 32 * 3 bytes, NHWC. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

function todo(hint: string | undefined): string {
  return hint ?? "replace it with a complete, verified copy";
}

/** Checks the size of a batch file and returns its record count. */
export function cifarRecordCount(data: Uint8Array, file: string, expect: CifarExpect = {}): number {
  if (expect.count !== undefined && data.length !== expect.count * CIFAR_RECORD_BYTES) {
    const want = expect.count * CIFAR_RECORD_BYTES;
    const what = data.length < want ? "The file is truncated" : "The file is longer than a CIFAR-10 batch, so it is not the expected file";
    throw new DatasetFileError(file, `${file}: expected ${want} bytes (${expect.count} records of ${CIFAR_RECORD_BYTES} bytes: 1 label byte + 3072 pixel bytes), found ${data.length}. ${what}; ${todo(expect.hint)}.`);
  }
  if (data.length === 0 || data.length % CIFAR_RECORD_BYTES !== 0) {
    throw new DatasetFileError(file, `${file}: a CIFAR-10 binary file is a whole number of ${CIFAR_RECORD_BYTES}-byte records (1 label byte + 3072 pixel bytes), but this one has ${data.length} bytes (${Math.floor(data.length / CIFAR_RECORD_BYTES)} records and ${data.length % CIFAR_RECORD_BYTES} bytes left over). The file is truncated or not in the CIFAR-10 binary format; ${todo(expect.hint)}.`);
  }
  return data.length / CIFAR_RECORD_BYTES;
}

/**
 * Decodes the records of one batch into `images` (NHWC) and `labels`, starting at record `at`.
 * Returns the number of records written.
 */
export function decodeCifarInto(data: Uint8Array, file: string, images: Uint8Array, labels: Uint8Array, at: number, expect: CifarExpect = {}): number {
  const count = cifarRecordCount(data, file, expect);
  const numClasses = expect.numClasses ?? 10;
  if ((at + count) * CIFAR_IMAGE_BYTES > images.length || at + count > labels.length) {
    throw new RangeError(`decodeCifarInto: output buffers too small for ${count} records at ${at}`);
  }
  for (let r = 0; r < count; r++) {
    const src = r * CIFAR_RECORD_BYTES;
    const label = data[src];
    if (label >= numClasses) {
      throw new DatasetFileError(file, `${file}: label of record ${r} is outside 0..${numClasses - 1}. The file is corrupt or not a CIFAR-10 batch; ${todo(expect.hint)}.`);
    }
    labels[at + r] = label;
    const red = src + 1;
    const green = red + CIFAR_PIXELS;
    const blue = green + CIFAR_PIXELS;
    let dst = (at + r) * CIFAR_IMAGE_BYTES;
    for (let p = 0; p < CIFAR_PIXELS; p++) {
      images[dst++] = data[red + p];
      images[dst++] = data[green + p];
      images[dst++] = data[blue + p];
    }
  }
  return count;
}

/** Parses one CIFAR-10 binary batch. */
export function parseCifar10Batch(data: Uint8Array, file: string, expect: CifarExpect = {}): CifarData {
  const count = cifarRecordCount(data, file, expect);
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  decodeCifarInto(data, file, images, labels, 0, expect);
  return { images, labels, count };
}

/** Parses several batches (e.g. data_batch_1..5) into one set of buffers, in order. */
export function parseCifar10Batches(batches: Array<{ data: Uint8Array; file: string; expect?: CifarExpect }>): CifarData {
  const counts = batches.map((b) => cifarRecordCount(b.data, b.file, b.expect));
  const total = counts.reduce((a, b) => a + b, 0);
  const images = new Uint8Array(total * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(total);
  let at = 0;
  for (const b of batches) at += decodeCifarInto(b.data, b.file, images, labels, at, b.expect);
  return { images, labels, count: total };
}

export async function readCifar10Batches(paths: string[], expect: CifarExpect = {}): Promise<CifarData> {
  const datas = await Promise.all(paths.map((p) => readFile(p)));
  return parseCifar10Batches(datas.map((data, i) => ({ data, file: paths[i], expect })));
}

/**
 * Encodes images into the official binary layout. `pixelsHWC` holds `count` images of
 * 32x32 pixels with `channels` interleaved bytes per pixel (3 = RGB, 4 = RGBA: alpha dropped).
 */
export function encodeCifar10Batch(pixelsHWC: Uint8Array, labels: Uint8Array, channels: 3 | 4 = 3): Uint8Array {
  const count = labels.length;
  if (pixelsHWC.length !== count * CIFAR_PIXELS * channels) {
    throw new RangeError(`encodeCifar10Batch: expected ${count * CIFAR_PIXELS * channels} pixel bytes for ${count} images, got ${pixelsHWC.length}`);
  }
  const out = new Uint8Array(count * CIFAR_RECORD_BYTES);
  for (let r = 0; r < count; r++) {
    const dst = r * CIFAR_RECORD_BYTES;
    out[dst] = labels[r];
    const red = dst + 1;
    const green = red + CIFAR_PIXELS;
    const blue = green + CIFAR_PIXELS;
    let src = r * CIFAR_PIXELS * channels;
    for (let p = 0; p < CIFAR_PIXELS; p++, src += channels) {
      out[red + p] = pixelsHWC[src];
      out[green + p] = pixelsHWC[src + 1];
      out[blue + p] = pixelsHWC[src + 2];
    }
  }
  return out;
}

export { firstOutOfRange };
