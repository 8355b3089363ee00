import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodeIdxImages, encodeIdxLabels, gunzipIfNeeded, parseIdxImages, parseIdxLabels, readIdxPair } from "@/lib/datasets/loaders/idx";
import { DatasetFileError } from "@/lib/datasets/loaders/errors";
import { fetchHint } from "@/lib/datasets/sources";
import { DATASETS } from "@/lib/datasets/registry";
import { SHARED, perClass, useTempDirs } from "./helpers";

describe("IDX loader on the real MNIST test set", () => {
  it("reads the official t10k files (gzip): 10000 images, first labels 7,2,1,0,4", async () => {
    const dir = path.join(SHARED, "mnist");
    const set = await readIdxPair(path.join(dir, "t10k-images-idx3-ubyte.gz"), path.join(dir, "t10k-labels-idx1-ubyte.gz"), { count: 10000, rows: 28, cols: 28, numClasses: 10 });
    expect(set.count).toBe(10000);
    expect([set.rows, set.cols]).toEqual([28, 28]);
    expect(set.images.length).toBe(10000 * 28 * 28);
    expect(Array.from(set.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    expect(perClass(set.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });
});

describe("IDX loader on generated files", () => {
  const tmp = useTempDirs();
  const pixels = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 7);
  const imagesRaw = encodeIdxImages(pixels, 3, 2, 2);
  const labelsRaw = encodeIdxLabels(Uint8Array.from([2, 0, 1]));

  it("parses raw and gzip files to views without copying", () => {
    for (const data of [imagesRaw, gzipSync(imagesRaw)]) {
      const img = parseIdxImages(data, "x-images");
      expect([img.count, img.rows, img.cols]).toEqual([3, 2, 2]);
      expect(Array.from(img.images)).toEqual(Array.from(pixels));
    }
    const img = parseIdxImages(imagesRaw, "x-images");
    expect(img.images.buffer).toBe(imagesRaw.buffer); // a view, not a copy
    const lbl = parseIdxLabels(gzipSync(labelsRaw), "x-labels", { numClasses: 3 });
    expect(Array.from(lbl.labels)).toEqual([2, 0, 1]);
  });

  it("reads a pair from disk and checks the counts agree", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "i"), imagesRaw);
    writeFileSync(path.join(dir, "l.gz"), gzipSync(labelsRaw));
    const pair = await readIdxPair(path.join(dir, "i"), path.join(dir, "l.gz"));
    expect(pair.count).toBe(3);
    writeFileSync(path.join(dir, "l2"), encodeIdxLabels(Uint8Array.from([1, 1])));
    await expect(readIdxPair(path.join(dir, "i"), path.join(dir, "l2"))).rejects.toThrow(/holds 2 labels but .* holds 3 images/);
  });

  it("refuses a truncated gzip image file with the exact, actionable message", () => {
    const header = encodeIdxImages(new Uint8Array(0), 10000, 28, 28).subarray(0, 16);
    const truncated = new Uint8Array(16 + 123);
    truncated.set(header);
    const name = "t10k-images-idx3-ubyte.gz";
    expect(() => parseIdxImages(gzipSync(truncated), name, { hint: fetchHint(DATASETS.mnist) })).toThrow(
      "t10k-images-idx3-ubyte.gz: expected 7840000 pixel bytes after the 16-byte header, found 123. The file is truncated; delete it and run `npx holdout datasets fetch mnist`.",
    );
  });

  it("refuses a bad magic number, naming the file and the expected magic", () => {
    const bad = imagesRaw.slice();
    bad[3] = 0x04;
    expect(() => parseIdxImages(bad, "weird.idx")).toThrow(/^weird\.idx: not an IDX image file: expected magic number 0x00000803, found 0x00000804/);
    // Swapped files are recognised.
    expect(() => parseIdxImages(labelsRaw, "labels-as-images")).toThrow(/found 0x00000801 \(that of an IDX label file\)/);
    expect(() => parseIdxLabels(imagesRaw, "images-as-labels")).toThrow(/expected magic number 0x00000801, found 0x00000803 \(that of an IDX image file\)/);
  });

  it("refuses wrong dimensions and counts", () => {
    expect(() => parseIdxImages(imagesRaw, "small.idx", { rows: 28, cols: 28 })).toThrow("small.idx: expected 28x28 images, found 2x2 in the IDX header.");
    expect(() => parseIdxImages(imagesRaw, "few.idx", { count: 10000 })).toThrow(/few\.idx: expected 10000 images, the IDX header says 3/);
    expect(() => parseIdxLabels(labelsRaw, "few-labels", { count: 4 })).toThrow(/expected 4 labels, the IDX header says 3/);
  });

  it("refuses truncated raw files, short headers, extra bytes and corrupt gzip", () => {
    expect(() => parseIdxImages(imagesRaw.subarray(0, 16 + 5), "cut.idx")).toThrow(/cut\.idx: expected 12 pixel bytes after the 16-byte header, found 5\. The file is truncated/);
    expect(() => parseIdxImages(imagesRaw.subarray(0, 10), "tiny.idx")).toThrow(/tiny\.idx: expected an IDX image file with a 16-byte header, found only 10 bytes/);
    const longer = new Uint8Array(imagesRaw.length + 4);
    longer.set(imagesRaw);
    expect(() => parseIdxImages(longer, "long.idx")).toThrow(/found 16 \(4 extra\)/);
    expect(() => parseIdxLabels(labelsRaw.subarray(0, 9), "cut-labels")).toThrow(/expected 3 label bytes after the 8-byte header, found 1/);
    const gz = gzipSync(imagesRaw);
    expect(() => gunzipIfNeeded(gz.subarray(0, gz.length - 12), "cut.gz")).toThrow(/cut\.gz: the gzip stream ends early/);
    const corrupt = gz.slice();
    corrupt[12] ^= 0xff;
    corrupt[13] ^= 0xff;
    expect(() => gunzipIfNeeded(corrupt, "bad.gz")).toThrow(DatasetFileError);
  });

  it("refuses labels out of range without quoting them", () => {
    const lbl = encodeIdxLabels(Uint8Array.from([1, 12, 3]));
    expect(() => parseIdxLabels(lbl, "labels.idx", { numClasses: 10 })).toThrow("labels.idx: label of record 1 is outside 0..9.");
  });

  it("matches the official file byte for byte when re-encoded", () => {
    const raw = gunzipIfNeeded(readFileSync(path.join(SHARED, "mnist/t10k-labels-idx1-ubyte.gz")), "t10k-labels");
    const lbl = parseIdxLabels(raw, "t10k-labels");
    expect(Buffer.from(encodeIdxLabels(lbl.labels)).equals(Buffer.from(raw))).toBe(true);
  });
});
