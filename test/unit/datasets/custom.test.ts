import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { parseCustomTestSet, CustomTestSetError } from "@/lib/datasets/custom";
import { encodeCifar10Batch } from "@/lib/datasets/loaders/cifar";
import { encodeIdxImages, encodeIdxLabels } from "@/lib/datasets/loaders/idx";

/** A w x h PNG whose pixels are a function of (x, y); grey when `grey` is set. */
function png(w: number, h: number, seed: number, grey = false): Uint8Array {
  const img = new PNG({ width: w, height: h, colorType: grey ? 0 : 2, inputColorType: 6, inputHasAlpha: true });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const v = (seed * 37 + x * 11 + y * 5) & 0xff;
      img.data[i] = v;
      img.data[i + 1] = grey ? v : (v + 80) & 0xff;
      img.data[i + 2] = grey ? v : (v * 3) & 0xff;
      img.data[i + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(img, { colorType: grey ? 0 : 2 }));
}

function zipOf(entries: Record<string, Uint8Array>): Uint8Array {
  return zipSync(entries, { level: 6 });
}

/** Rewrites the uncompressed size of an entry in the zip's central directory (and local header). */
function patchDeclaredSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const dv = new DataView(out.buffer);
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x02014b50) {
      const n = dv.getUint16(i + 28, true);
      if (new TextDecoder().decode(out.subarray(i + 46, i + 46 + n)) === name) dv.setUint32(i + 24, size, true);
    } else if (sig === 0x04034b50) {
      const n = dv.getUint16(i + 26, true);
      if (new TextDecoder().decode(out.subarray(i + 30, i + 30 + n)) === name) dv.setUint32(i + 22, size, true);
    }
  }
  return out;
}

describe("custom test set: zip of PNG folders", () => {
  it("parses class folders into labels, NHWC RGB images and a report", () => {
    const entries: Record<string, Uint8Array> = {};
    const counts = { cat: 4, dog: 4, bird: 3 };
    for (const [cls, n] of Object.entries(counts)) for (let i = 0; i < n; i++) entries[`${cls}/img${i + 1}.png`] = png(8, 6, cls.length * 10 + i);
    entries["__MACOSX/._junk"] = new Uint8Array(3);
    entries["cat/.DS_Store"] = new Uint8Array(3);
    const set = parseCustomTestSet([{ name: "hidden.zip", data: zipOf(entries) }]);
    expect(set.count).toBe(11);
    expect(set.shape).toEqual([6, 8, 3]);
    expect(set.classNames).toEqual(["bird", "cat", "dog"]);
    expect(set.numClasses).toBe(3);
    expect(set.report.perClassCounts).toEqual([3, 4, 4]);
    expect(set.report.format).toBe("png-zip");
    expect(set.report.warnings.some((w) => /Only 11 images/.test(w))).toBe(true);
    expect(Array.from(set.labels)).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(set.images.length).toBe(11 * 6 * 8 * 3);
    // First image is bird/img1.png: check a pixel.
    const ref = PNG.sync.read(Buffer.from(entries["bird/img1.png"]));
    const x = 5, y = 3, o = (y * 8 + x) * 3, r = (y * 8 + x) * 4;
    expect([set.images[o], set.images[o + 1], set.images[o + 2]]).toEqual([ref.data[r], ref.data[r + 1], ref.data[r + 2]]);
    expect(set.split).toBe("test");
    expect(set.source).toBe("upload: hidden.zip");
  });

  it("keeps one channel for grey images, accepts a wrapping folder and a classes.txt order", () => {
    const entries: Record<string, Uint8Array> = {
      "test/zero/a.png": png(5, 5, 1, true),
      "test/zero/b.png": png(5, 5, 2, true),
      "test/one/a.png": png(5, 5, 3, true),
      "test/one/b.png": png(5, 5, 4, true),
      "test/classes.txt": new TextEncoder().encode("zero\none\ntwo\n"),
    };
    const set = parseCustomTestSet([{ name: "t.zip", data: zipOf(entries) }]);
    expect(set.shape).toEqual([5, 5, 1]);
    expect(set.classNames).toEqual(["zero", "one", "two"]);
    expect(set.report.perClassCounts).toEqual([2, 2, 0]);
    expect(set.report.warnings.join("\n")).toMatch(/No images for class "two"/);
    expect(Array.from(set.labels)).toEqual([0, 0, 1, 1]);
  });

  it("warns when classes are imbalanced by more than 2x", () => {
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i < 7; i++) entries[`a/${i}.png`] = png(4, 4, i);
    for (let i = 0; i < 3; i++) entries[`b/${i}.png`] = png(4, 4, 10 + i);
    const set = parseCustomTestSet([{ name: "t.zip", data: zipOf(entries) }]);
    expect(set.report.warnings.join("\n")).toMatch(/imbalanced: "a" has 7 images, "b" only 3/);
  });

  it("refuses entries that climb out of the archive", () => {
    const evil = zipOf({ "cat/1.png": png(4, 4, 1), "../evil.png": png(4, 4, 2) });
    expect(() => parseCustomTestSet([{ name: "evil.zip", data: evil }])).toThrow(CustomTestSetError);
    expect(() => parseCustomTestSet([{ name: "evil.zip", data: evil }])).toThrow('evil.zip: refused: the entry "../evil.png" points outside the archive');
    const abs = zipOf({ "cat/1.png": png(4, 4, 1), "/etc/x.png": png(4, 4, 2) });
    expect(() => parseCustomTestSet([{ name: "abs.zip", data: abs }])).toThrow(/points outside the archive/);
    const nested = zipOf({ "cat/../../x.png": png(4, 4, 1) });
    expect(() => parseCustomTestSet([{ name: "n.zip", data: nested }])).toThrow(/points outside the archive/);
  });

  it("refuses zip bombs before unpacking them", () => {
    // Honest sizes over the cap: 4 MiB of zeros compresses to a few KiB.
    const bomb = zipOf({ "cat/1.png": png(4, 4, 1), "cat/bomb.png": new Uint8Array(4 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => parseCustomTestSet([{ name: "bomb.zip", data: bomb }], { maxUncompressedBytes: 1024 * 1024 })).toThrow(
      /bomb\.zip: refused: its entries would unpack to 4\.0 MiB, over the 1\.0 MiB limit/,
    );
    // Declared sizes far over the default cap (512 MiB).
    const huge = patchDeclaredSize(bomb, "cat/bomb.png", 0xf0000000);
    expect(() => parseCustomTestSet([{ name: "huge.zip", data: huge }])).toThrow(/would unpack to 3\.75 GiB, over the 512\.0 MiB limit/);
    // A header that understates the size cannot make the unzip produce more than declared: the
    // bounded reader stops at the declared size and refuses the entry as crafted.
    const liar = patchDeclaredSize(zipOf({ "cat/1.png": png(4, 4, 1), "cat/2.png": new Uint8Array(8 * 1024 * 1024) }), "cat/2.png", 100);
    expect(() => parseCustomTestSet([{ name: "liar.zip", data: liar }])).toThrow(/liar\.zip: could not be unpacked .*cat\/2\.png decompresses to more data than its header declares/);
    // Too many entries.
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) many[`c/${i}.png`] = png(2, 2, i);
    expect(() => parseCustomTestSet([{ name: "many.zip", data: zipOf(many) }], { maxEntries: 20 })).toThrow(/more than 20 entries/);
  });

  it("refuses a PNG that would decode to a huge image", () => {
    const wide = new PNG({ width: 5000, height: 1, colorType: 0 });
    const data = new Uint8Array(PNG.sync.write(wide, { colorType: 0 }));
    expect(() => parseCustomTestSet([{ name: "w.zip", data: zipOf({ "a/1.png": data }) }])).toThrow(/is 5000x1 pixels; images must be 1\.\.1024 pixels on each side/);
  });

  it("refuses images of different sizes, naming both files", () => {
    const z = zipOf({ "cat/a.png": png(8, 8, 1), "cat/b.png": png(8, 8, 2), "dog/c.png": png(8, 7, 3) });
    expect(() => parseCustomTestSet([{ name: "sizes.zip", data: z }])).toThrow(
      'sizes.zip: "dog/c.png" is 8x7 but "cat/a.png" is 8x8. All images must be the same size; resize them to one size and upload again.',
    );
  });

  it("refuses non-PNG files, bad layout and folders missing from classes.txt", () => {
    expect(() => parseCustomTestSet([{ name: "j.zip", data: zipOf({ "cat/a.jpg": new Uint8Array(10) }) }])).toThrow(/"cat\/a\.jpg" is not a PNG image/);
    expect(() => parseCustomTestSet([{ name: "flat.zip", data: zipOf({ "a.png": png(2, 2, 1) }) }])).toThrow(/must sit directly in folders named by class/);
    const z = zipOf({ "cat/a.png": png(2, 2, 1), "emu/b.png": png(2, 2, 2), "classes.txt": new TextEncoder().encode("cat\ndog\n") });
    expect(() => parseCustomTestSet([{ name: "c.zip", data: z }])).toThrow(/folder "emu" is not among the class names \(cat, dog\)/);
    expect(() => parseCustomTestSet([{ name: "x.zip", data: new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]) }])).toThrow(/not a readable zip file/);
  });

  it("checks the expected shape", () => {
    const z = zipOf({ "a/1.png": png(4, 4, 1), "b/1.png": png(4, 4, 2) });
    expect(() => parseCustomTestSet([{ name: "s.zip", data: z }], { expectedShape: [28, 28, 1] })).toThrow(/The images are 4x4x3 .* expects 28x28x1/);
  });
});

describe("custom test set: IDX pair and CIFAR binary", () => {
  const pixels = Uint8Array.from({ length: 6 * 28 * 28 }, (_, i) => i & 0xff);
  const labels = Uint8Array.from([0, 1, 2, 0, 1, 2]);

  it("parses an IDX pair (raw and gzip, any order)", () => {
    const set = parseCustomTestSet([
      { name: "labels.idx1.gz", data: gzipSync(encodeIdxLabels(labels)) },
      { name: "images.idx3", data: encodeIdxImages(pixels, 6, 28, 28) },
    ]);
    expect(set.count).toBe(6);
    expect(set.shape).toEqual([28, 28, 1]);
    expect(set.classNames).toEqual(["0", "1", "2"]);
    expect(set.report.perClassCounts).toEqual([2, 2, 2]);
    expect(set.report.format).toBe("idx");
  });

  it("refuses labels out of range of the class names, and mismatched counts", () => {
    const files = [
      { name: "images.idx3", data: encodeIdxImages(pixels, 6, 28, 28) },
      { name: "labels.idx1", data: encodeIdxLabels(Uint8Array.from([0, 1, 5, 0, 1, 2])) },
      { name: "classes.txt", data: new TextEncoder().encode("a\nb\nc\n") },
    ];
    expect(() => parseCustomTestSet(files)).toThrow("labels.idx1: label 5 (first at record 2) is out of range: there are only 3 class names, so labels must be 0..2.");
    expect(() =>
      parseCustomTestSet([
        { name: "images.idx3", data: encodeIdxImages(pixels, 6, 28, 28) },
        { name: "labels.idx1", data: encodeIdxLabels(Uint8Array.from([0, 1])) },
      ]),
    ).toThrow(/holds 2 labels but images\.idx3 holds 6 images/);
    expect(() => parseCustomTestSet([{ name: "images.idx3", data: encodeIdxImages(pixels, 6, 28, 28) }])).toThrow(/exactly two files/);
  });

  it("parses CIFAR-10 binary files and warns when class names are assumed", () => {
    const px = Uint8Array.from({ length: 3 * 3072 }, (_, i) => (i * 7) & 0xff);
    const bin = encodeCifar10Batch(px, Uint8Array.from([3, 9, 0]), 3);
    const set = parseCustomTestSet([{ name: "mine.bin", data: bin }]);
    expect(set.count).toBe(3);
    expect(set.shape).toEqual([32, 32, 3]);
    expect(set.classNames[3]).toBe("cat");
    expect(set.report.warnings.join("\n")).toMatch(/assuming CIFAR-10's/);
    const bad = bin.slice();
    bad[0] = 12;
    expect(() => parseCustomTestSet([{ name: "mine.bin", data: bad }])).toThrow(/label 12 \(first at record 0\) is out of range: there are only 10 class names/);
  });

  it("explains what to upload when the files are not recognised", () => {
    expect(() => parseCustomTestSet([{ name: "notes.txt.bak", data: new Uint8Array(100) }])).toThrow(/Could not recognise notes\.txt\.bak .*Upload either a zip of PNG images/);
    expect(() => parseCustomTestSet([])).toThrow(/No files uploaded/);
  });
});
