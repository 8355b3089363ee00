/**
 * Digits drawn on a canvas, turned into MNIST-like images the way MNIST itself was made
 * (LeCun et al.): the digit's bounding box is size-normalised to fit a 20x20 box with its aspect
 * ratio kept, anti-aliased by area averaging (grey levels at the edges), then placed in a 28x28
 * field so that its centre of mass sits at the field's centre. White digit on black, 0..255.
 *
 * Pure functions on bytes: the server runs them on the canvas's raw grayscale pixels and never
 * trusts a browser's own preprocessing.
 */
import { encodeIdxImages, encodeIdxLabels } from "./loaders/idx";

/** The preprocessed image's side and the box the digit is fitted into (MNIST's numbers). */
export const DIGIT_SIDE = 28;
export const DIGIT_BOX = 20;
/** Accepted canvas sizes (pixels per side). */
export const DRAWING_MIN_SIDE = 28;
export const DRAWING_MAX_SIDE = 1024;
/** Ink at or above this level (0..255, after polarity is settled) counts for the bounding box. */
const INK_THRESHOLD = 32;
/** A drawing needs at least this many inked pixels to be a digit rather than a stray click. */
const MIN_INK_PIXELS = 4;

/** A drawing that cannot be turned into a digit; the message says what to do. */
export class DrawingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DrawingError";
  }
}

export interface RawDrawing {
  width: number;
  height: number;
  /** Grayscale, one byte per pixel, row by row (width * height bytes). Either polarity. */
  pixels: Uint8Array;
}

/** Checks a raw drawing's size and bytes; throws DrawingError with what is wrong. */
export function validateDrawing(drawing: RawDrawing): void {
  const { width, height, pixels } = drawing;
  for (const [name, side] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(side) || side < DRAWING_MIN_SIDE || side > DRAWING_MAX_SIDE) {
      throw new DrawingError(`The drawing's ${name} must be a whole number of pixels from ${DRAWING_MIN_SIDE} to ${DRAWING_MAX_SIDE}; got ${String(side)}.`);
    }
  }
  if (!(pixels instanceof Uint8Array)) throw new DrawingError("The drawing's pixels must be bytes (one grayscale byte per pixel, 0..255).");
  if (pixels.length !== width * height) {
    throw new DrawingError(`The drawing is ${width}x${height}, so it needs ${width * height} grayscale bytes (one per pixel, row by row); got ${pixels.length}.`);
  }
}

/**
 * Ink per pixel, 0 (paper) .. 255 (full ink), whatever the canvas's colours: the paper is the
 * border's usual value (the median of the border pixels); on light paper the bytes are inverted.
 */
export function inkOf(drawing: RawDrawing): Uint8Array {
  const { width, height, pixels } = drawing;
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(pixels[x], pixels[(height - 1) * width + x]);
  for (let y = 1; y < height - 1; y++) border.push(pixels[y * width], pixels[y * width + width - 1]);
  border.sort((a, b) => a - b);
  const paper = border[border.length >> 1];
  if (paper <= 127) return pixels.slice();
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = 255 - pixels[i];
  return out;
}

export interface BoundingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The smallest box around the inked pixels (ink >= threshold), or null when nothing is drawn. */
export function inkBoundingBox(ink: Uint8Array, width: number, height: number, threshold = INK_THRESHOLD): BoundingBox | null {
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] < threshold) continue;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (count < MIN_INK_PIXELS) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * Resamples a (width x height) float image to (outWidth x outHeight) by area averaging: every
 * output pixel is the mean of the source area it covers, partial source pixels weighted by the
 * fraction covered. Separable: rows first, then columns.
 */
export function resampleArea(source: Float64Array, width: number, height: number, outWidth: number, outHeight: number): Float64Array {
  const horizontal = new Float64Array(outWidth * height);
  const weights = areaWeights(width, outWidth);
  for (let y = 0; y < height; y++) {
    for (let ox = 0; ox < outWidth; ox++) {
      let sum = 0;
      for (const [sx, w] of weights[ox]) sum += source[y * width + sx] * w;
      horizontal[y * outWidth + ox] = sum;
    }
  }
  const out = new Float64Array(outWidth * outHeight);
  const vertical = areaWeights(height, outHeight);
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      let sum = 0;
      for (const [sy, w] of vertical[oy]) sum += horizontal[sy * outWidth + ox] * w;
      out[oy * outWidth + ox] = sum;
    }
  }
  return out;
}

/** For each of `outSize` cells over `inSize` source pixels: the source pixels it covers and their weights (summing to 1). */
function areaWeights(inSize: number, outSize: number): Array<Array<[number, number]>> {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const start = o * scale;
    const end = (o + 1) * scale;
    const taps: Array<[number, number]> = [];
    for (let s = Math.floor(start); s < Math.min(inSize, Math.ceil(end)); s++) {
      const covered = Math.min(end, s + 1) - Math.max(start, s);
      if (covered > 1e-12) taps.push([s, covered / scale]);
    }
    return taps;
  });
}

/** Centre of mass (x, y) of an image, in continuous coordinates (pixel i covers [i, i+1)). */
export function centreOfMass(image: ArrayLike<number>, width: number, height: number): { x: number; y: number } {
  let total = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = image[y * width + x];
      total += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  }
  return total > 0 ? { x: sx / total, y: sy / total } : { x: width / 2, y: height / 2 };
}

export interface PreprocessedDigit {
  /** 28x28 bytes, row by row: white (255) digit on black (0). */
  pixels: Uint8Array;
  /** The drawing's bounding box of ink, in canvas pixels. */
  box: BoundingBox;
  /** The size the box was scaled to (the longer side is 20). */
  scaledWidth: number;
  scaledHeight: number;
  /** Where the scaled box's top-left corner went in the 28x28 field. */
  offsetX: number;
  offsetY: number;
}

/**
 * A raw canvas drawing -> a 28x28 MNIST-style digit. Throws DrawingError for a wrong size or an
 * empty drawing.
 */
export function preprocessDrawing(drawing: RawDrawing): PreprocessedDigit {
  validateDrawing(drawing);
  const { width } = drawing;
  const ink = inkOf(drawing);
  const box = inkBoundingBox(ink, width, drawing.height);
  if (!box) throw new DrawingError("The drawing is empty: draw a digit (thick strokes, filling most of the square) and try again.");
  const cropped = new Float64Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) cropped[y * box.width + x] = ink[(box.y + y) * width + box.x + x];
  }
  const scale = DIGIT_BOX / Math.max(box.width, box.height);
  const scaledWidth = Math.max(1, Math.min(DIGIT_BOX, Math.round(box.width * scale)));
  const scaledHeight = Math.max(1, Math.min(DIGIT_BOX, Math.round(box.height * scale)));
  const scaled = resampleArea(cropped, box.width, box.height, scaledWidth, scaledHeight);
  const mass = centreOfMass(scaled, scaledWidth, scaledHeight);
  // Integer shift that puts the centre of mass nearest the field's centre (within half a pixel),
  // kept inside the field so no ink is cut off.
  const offsetX = clamp(Math.round(DIGIT_SIDE / 2 - mass.x), 0, DIGIT_SIDE - scaledWidth);
  const offsetY = clamp(Math.round(DIGIT_SIDE / 2 - mass.y), 0, DIGIT_SIDE - scaledHeight);
  const pixels = new Uint8Array(DIGIT_SIDE * DIGIT_SIDE);
  for (let y = 0; y < scaledHeight; y++) {
    for (let x = 0; x < scaledWidth; x++) pixels[(offsetY + y) * DIGIT_SIDE + offsetX + x] = clamp(Math.round(scaled[y * scaledWidth + x]), 0, 255);
  }
  return { pixels, box, scaledWidth, scaledHeight, offsetX, offsetY };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * Drawn digits as an IDX pair (the format MNIST ships in) plus a classes.txt naming the ten
 * digits, so that a collection becomes a test set through the same parser and storage as an
 * uploaded one (a set missing some digit still has ten classes).
 */
export function drawnDigitsAsIdx(digits: Array<{ label: number; pixels: Uint8Array }>): Array<{ name: string; data: Uint8Array }> {
  const count = digits.length;
  const images = new Uint8Array(count * DIGIT_SIDE * DIGIT_SIDE);
  const labels = new Uint8Array(count);
  digits.forEach((digit, i) => {
    if (digit.pixels.length !== DIGIT_SIDE * DIGIT_SIDE) throw new DrawingError(`Drawn digit ${i} has ${digit.pixels.length} bytes, not ${DIGIT_SIDE * DIGIT_SIDE}.`);
    if (!Number.isInteger(digit.label) || digit.label < 0 || digit.label > 9) throw new DrawingError(`Drawn digit ${i} has label ${digit.label}, not 0..9.`);
    images.set(digit.pixels, i * DIGIT_SIDE * DIGIT_SIDE);
    labels[i] = digit.label;
  });
  return [
    { name: "drawn-images-idx3-ubyte", data: encodeIdxImages(images, count, DIGIT_SIDE, DIGIT_SIDE) },
    { name: "drawn-labels-idx1-ubyte", data: encodeIdxLabels(labels) },
    { name: "classes.txt", data: new TextEncoder().encode(Array.from({ length: 10 }, (_, i) => String(i)).join("\n") + "\n") },
  ];
}
