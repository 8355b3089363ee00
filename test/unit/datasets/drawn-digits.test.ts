import { describe, expect, it } from "vitest";
import { parseCustomTestSet } from "@/lib/datasets/custom";
import { centreOfMass, DrawingError, drawnDigitsAsIdx, inkBoundingBox, preprocessDrawing, resampleArea } from "@/lib/datasets/drawn-digits";
import { strokeImage } from "@/test/helpers/drawing";

const W = 280;
const H = 280;

/** A tall "1"-like stroke with a flag (asymmetric mass), a box 20+ pixels away from every edge. */
const ONE: Array<[number, number]> = [
  [120, 90],
  [150, 60],
  [150, 230],
];

function boundingBox(pixels: Uint8Array, side = 28) {
  const box = inkBoundingBox(pixels, side, side, 1);
  if (!box) throw new Error("empty");
  return box;
}

describe("preprocessDrawing (MNIST's recipe)", () => {
  it("fits the stroke's bounding box into 20x20 keeping its aspect ratio, and centres its mass at (14, 14)", () => {
    const raw = strokeImage(ONE, 9);
    const source = inkBoundingBox(raw, W, H)!;
    const digit = preprocessDrawing({ width: W, height: H, pixels: raw });
    expect(digit.box).toEqual(source);
    expect(digit.pixels).toHaveLength(784);
    // The longer side (height) becomes 20 pixels; the width keeps the ratio.
    expect(digit.scaledHeight).toBe(20);
    expect(digit.scaledWidth).toBe(Math.round((source.width * 20) / source.height));
    const box = boundingBox(digit.pixels);
    expect(box.height).toBe(20);
    expect(Math.abs(box.width - (source.width * 20) / source.height)).toBeLessThanOrEqual(1);
    const mass = centreOfMass(digit.pixels, 28, 28);
    expect(Math.abs(mass.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(mass.y - 14)).toBeLessThanOrEqual(0.5);
    // Bytes, white on black: paper is 0, the stroke's core is near full ink, the edges are grey (anti-aliased).
    expect(Math.max(...digit.pixels)).toBeGreaterThan(200);
    expect(digit.pixels[0]).toBe(0);
    const grey = Array.from(digit.pixels).filter((v) => v > 0 && v < 200).length;
    expect(grey).toBeGreaterThan(5);
    for (const v of digit.pixels) expect(v >= 0 && v <= 255 && Number.isInteger(v)).toBe(true);
  });

  it("keeps a wide digit's aspect ratio too (the width becomes 20)", () => {
    const raw = strokeImage(
      [
        [40, 130],
        [240, 150],
      ],
      12,
    );
    const source = inkBoundingBox(raw, W, H)!;
    const digit = preprocessDrawing({ width: W, height: H, pixels: raw });
    expect(digit.scaledWidth).toBe(20);
    expect(digit.scaledHeight).toBe(Math.round((source.height * 20) / source.width));
    const mass = centreOfMass(digit.pixels, 28, 28);
    expect(Math.abs(mass.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(mass.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it("gives the same digit for dark ink on light paper (the canvas's polarity is detected, not trusted)", () => {
    const dark = preprocessDrawing({ width: W, height: H, pixels: strokeImage(ONE, 9, W, H, 255) });
    const light = preprocessDrawing({ width: W, height: H, pixels: strokeImage(ONE, 9) });
    expect(Array.from(dark.pixels)).toEqual(Array.from(light.pixels));
  });

  it("does not depend on where on the canvas the digit was drawn", () => {
    const shifted = ONE.map(([x, y]) => [x - 60, y + 20] as [number, number]);
    const a = preprocessDrawing({ width: W, height: H, pixels: strokeImage(ONE, 9) });
    const b = preprocessDrawing({ width: W, height: H, pixels: strokeImage(shifted, 9) });
    expect(Array.from(b.pixels)).toEqual(Array.from(a.pixels));
  });

  it("refuses wrong sizes, wrong byte counts and empty drawings with what to do", () => {
    expect(() => preprocessDrawing({ width: 10, height: 10, pixels: new Uint8Array(100) })).toThrow(/from 28 to 1024/);
    expect(() => preprocessDrawing({ width: 2000, height: 28, pixels: new Uint8Array(56000) })).toThrow(DrawingError);
    expect(() => preprocessDrawing({ width: 28.5, height: 28, pixels: new Uint8Array(784) })).toThrow(/whole number/);
    expect(() => preprocessDrawing({ width: W, height: H, pixels: new Uint8Array(W * H - 1) })).toThrow(/needs 78400 grayscale bytes/);
    expect(() => preprocessDrawing({ width: W, height: H, pixels: new Uint8Array(W * H) })).toThrow(/empty/);
    // One stray pixel is not a digit.
    const speck = new Uint8Array(W * H);
    speck[140 * W + 140] = 255;
    expect(() => preprocessDrawing({ width: W, height: H, pixels: speck })).toThrow(/empty/);
  });
});

describe("resampleArea", () => {
  it("averages areas: a 4x4 checkerboard of 2x2 blocks halves to the block values, a 3->2 resample mixes the middle pixel", () => {
    const blocks = Float64Array.from([0, 0, 100, 100, 0, 0, 100, 100, 200, 200, 40, 40, 200, 200, 40, 40]);
    expect(Array.from(resampleArea(blocks, 4, 4, 2, 2))).toEqual([0, 100, 200, 40]);
    const row = resampleArea(Float64Array.from([0, 90, 180]), 3, 1, 2, 1);
    // Cell 0 covers pixel 0 and half of pixel 1: (0 + 0.5 * 90) / 1.5 = 30.
    expect(row[0]).toBeCloseTo(30, 10);
    expect(row[1]).toBeCloseTo(150, 10);
    // Total ink is kept (per area).
    const big = Float64Array.from({ length: 37 * 23 }, (_, i) => (i * 7919) % 256);
    const small = resampleArea(big, 37, 23, 20, 12);
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(small)).toBeCloseTo(mean(big), 8);
  });
});

describe("drawnDigitsAsIdx", () => {
  it("writes an IDX pair with ten class names that the test-set parser reads back exactly", () => {
    const digits = [3, 7].map((label) => ({ label, pixels: preprocessDrawing({ width: W, height: H, pixels: strokeImage(ONE, 6 + label) }).pixels }));
    const parsed = parseCustomTestSet(drawnDigitsAsIdx(digits));
    expect(parsed.count).toBe(2);
    expect(parsed.shape).toEqual([28, 28, 1]);
    expect(parsed.classNames).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(Array.from(parsed.labels)).toEqual([3, 7]);
    expect(Array.from(parsed.images.subarray(784, 1568))).toEqual(Array.from(digits[1].pixels));
    expect(() => drawnDigitsAsIdx([{ label: 10, pixels: new Uint8Array(784) }])).toThrow(/not 0..9/);
  });
});
