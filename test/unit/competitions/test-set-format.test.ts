import { describe, expect, it } from "vitest";
import { decodeTestSet, encodeTestSet } from "@/lib/competitions/test-set-format";

const set = { count: 2, shape: [2, 2, 1] as [number, number, number], classNames: ["cat", "dog"], labels: Uint8Array.from([0, 1]), images: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };

/** The stored bytes with the JSON header replaced (same layout as encodeTestSet). */
function withHeader(header: unknown, labels = set.labels, images = set.images): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + labels.length + images.length);
  out.set([0x48, 0x4f, 0x54, 0x53], 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(labels, 8 + json.length);
  out.set(images, 8 + json.length + labels.length);
  return out;
}

describe("stored test-set format", () => {
  it("round-trips", () => {
    const decoded = decodeTestSet(encodeTestSet(set));
    expect(decoded).toMatchObject({ count: 2, shape: [2, 2, 1], classNames: ["cat", "dog"] });
    expect([...decoded.labels]).toEqual([0, 1]);
    expect([...decoded.images]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  // The bytes come back from the sandboxed child that read an instructor's upload: not trusted.
  it("refuses damaged or crafted bytes", () => {
    expect(() => decodeTestSet(Uint8Array.from([1, 2, 3]))).toThrow("bad magic");
    const huge = encodeTestSet(set);
    new DataView(huge.buffer).setUint32(4, 0xffffffff, true);
    expect(() => decodeTestSet(huge)).toThrow("bad header length");
    expect(() => decodeTestSet(withHeader({ count: 2, shape: [2, 2, 7], classNames: ["cat", "dog"] }))).toThrow("bad header");
    expect(() => decodeTestSet(withHeader({ count: -1, shape: [2, 2, 1], classNames: ["cat", "dog"] }))).toThrow("bad header");
    expect(() => decodeTestSet(withHeader({ count: 2, shape: [2, 2, 1], classNames: ["cat", "dog"] }, Uint8Array.from([0, 5])))).toThrow("a label has no class");
    expect(() => decodeTestSet(withHeader({ count: 3, shape: [2, 2, 1], classNames: ["cat", "dog"] }))).toThrow("wrong length");
  });
});
