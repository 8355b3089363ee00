/**
 * An instructor's hidden test set, stored as one blob after it was parsed and validated:
 * "HOTS" | u32 header length | JSON header | labels (1 byte each) | images (NHWC bytes).
 * The worker reads it back without re-parsing PNGs or IDX files.
 */
import { z } from "zod";

export interface StoredTestSet {
  count: number;
  shape: [number, number, number];
  classNames: string[];
  labels: Uint8Array;
  images: Uint8Array;
}

const MAGIC = [0x48, 0x4f, 0x54, 0x53];

export function encodeTestSet(set: StoredTestSet): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ count: set.count, shape: set.shape, classNames: set.classNames }));
  const out = new Uint8Array(8 + header.length + set.labels.length + set.images.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  out.set(set.labels, 8 + header.length);
  out.set(set.images, 8 + header.length + set.labels.length);
  return out;
}

/** The header, checked: the bytes come from a sandboxed child that read an upload, so they are not trusted either. */
const headerSchema = z.object({
  count: z.number().int().positive(),
  shape: z.tuple([z.number().int().positive().max(4096), z.number().int().positive().max(4096), z.union([z.literal(1), z.literal(3)])]),
  classNames: z.array(z.string().max(200)).min(2).max(256),
});

export function decodeTestSet(bytes: Uint8Array): StoredTestSet {
  if (bytes.length < 8 || MAGIC.some((value, index) => bytes[index] !== value)) throw new Error("stored test set is damaged (bad magic)");
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (headerLength > 64 * 1024 || 8 + headerLength > bytes.length) throw new Error("stored test set is damaged (bad header length)");
  let header: z.output<typeof headerSchema>;
  try {
    header = headerSchema.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))));
  } catch {
    throw new Error("stored test set is damaged (bad header)");
  }
  const pixels = header.count * header.shape[0] * header.shape[1] * header.shape[2];
  const labelsStart = 8 + headerLength;
  if (bytes.length !== labelsStart + header.count + pixels) throw new Error("stored test set is damaged (wrong length)");
  const labels = bytes.subarray(labelsStart, labelsStart + header.count);
  if (labels.some((label) => label >= header.classNames.length)) throw new Error("stored test set is damaged (a label has no class)");
  return { ...header, labels, images: bytes.subarray(labelsStart + header.count) };
}
