import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CIFAR_RECORD_BYTES, encodeCifar10Batch, parseCifar10Batch, parseCifar10Batches } from "@/lib/datasets/loaders/cifar";
import { SHARED, perClass } from "./helpers";

describe("CIFAR-10 loader on the real test batch", () => {
  const file = path.join(SHARED, "cifar10/test_batch.bin");
  const raw = readFileSync(file);

  it("reads 10000 images, first labels 3,8,8,0,6,6,1,6,3,1, exactly 1000 per class", () => {
    const set = parseCifar10Batch(raw, file, { count: 10000 });
    expect(set.count).toBe(10000);
    expect(set.images.length).toBe(10000 * 32 * 32 * 3);
    expect(Array.from(set.labels.subarray(0, 10))).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
    expect(perClass(set.labels)).toEqual(new Array(10).fill(1000));
  });

  it("converts the planar R,G,B records to NHWC", () => {
    const set = parseCifar10Batch(raw, file);
    for (const r of [0, 1, 9999]) {
      const rec = r * CIFAR_RECORD_BYTES + 1;
      for (const p of [0, 1, 31, 32, 1023]) {
        const o = (r * 1024 + p) * 3;
        expect([set.images[o], set.images[o + 1], set.images[o + 2]]).toEqual([raw[rec + p], raw[rec + 1024 + p], raw[rec + 2048 + p]]);
      }
    }
    // Re-encoding gives the official file back, byte for byte.
    expect(Buffer.from(encodeCifar10Batch(set.images, set.labels, 3)).equals(raw)).toBe(true);
  });
});

describe("CIFAR-10 loader on generated files", () => {
  const count = 4;
  const pixels = Uint8Array.from({ length: count * 3072 }, (_, i) => (i * 31 + 7) & 0xff);
  const labels = Uint8Array.from([9, 0, 5, 3]);
  const bin = encodeCifar10Batch(pixels, labels, 3);

  it("round-trips and concatenates batches into one buffer", () => {
    const one = parseCifar10Batch(bin, "gen.bin");
    expect(Array.from(one.labels)).toEqual([9, 0, 5, 3]);
    expect(Buffer.from(one.images).equals(Buffer.from(pixels))).toBe(true);
    const two = parseCifar10Batches([{ data: bin, file: "a.bin" }, { data: bin, file: "b.bin" }]);
    expect(two.count).toBe(8);
    expect(Buffer.from(two.images.subarray(4 * 3072)).equals(Buffer.from(pixels))).toBe(true);
  });

  it("refuses a truncated file, naming it and the record layout", () => {
    expect(() => parseCifar10Batch(bin.subarray(0, bin.length - 100), "data_batch_9.bin")).toThrow(
      /^data_batch_9\.bin: a CIFAR-10 binary file is a whole number of 3073-byte records \(1 label byte \+ 3072 pixel bytes\), but this one has 12192 bytes \(3 records and 2973 bytes left over\)\. The file is truncated/,
    );
    expect(() => parseCifar10Batch(bin.subarray(0, 3073 * 3), "test_batch.bin", { count: 10000, hint: "delete it and run `npx holdout datasets fetch cifar10`" })).toThrow(
      "test_batch.bin: expected 30730000 bytes (10000 records of 3073 bytes: 1 label byte + 3072 pixel bytes), found 9219. The file is truncated; delete it and run `npx holdout datasets fetch cifar10`.",
    );
    expect(() => parseCifar10Batch(new Uint8Array(0), "empty.bin")).toThrow(/empty\.bin: .* has 0 bytes/);
  });

  it("refuses labels outside 0..9", () => {
    const bad = bin.slice();
    bad[2 * 3073] = 10;
    expect(() => parseCifar10Batch(bad, "bad.bin")).toThrow("bad.bin: label of record 2 is outside 0..9.");
  });
});
