/**
 * The robustness panel: accuracy on the public split's images shifted by 2 and 3 pixels, rotated
 * by +15 and -15 degrees and with Gaussian noise, next to the accuracy on the same images as they
 * are. This is what the lecture argues about CNNs: a 3-pixel shift of MNIST digits takes an MLP
 * from ~97% to ~40% and a CNN from ~99% to ~78%.
 *
 * Bounded cost: the first ROBUSTNESS.maxExamples images of the public split (in index order),
 * fewer when the job's time limit is tight, five perturbed copies each, predicted by the same
 * engine (and the same preprocessing) that scored the test set. Perturbations are made on the
 * raw 0..255 pixels, so they are the same whatever the model's preprocessing:
 * - shift k px: image j of the sample moves k pixels right, left, down, up for j mod 4 = 0, 1,
 *   2, 3; black (0) comes in at the edge it leaves;
 * - rotation: about the image centre ((w-1)/2, (h-1)/2), bilinear, black outside the image,
 *   rounded to whole pixel values; +15 is clockwise on screen;
 * - noise: N(0, ROBUSTNESS.noiseSigma) added to every pixel value (seeded), rounded and clipped
 *   to 0..255.
 * The private split is never touched.
 */
import { mulberry32 } from "@/lib/random";
import type { Robustness } from "./schemas";

export const ROBUSTNESS = {
  /** Images measured at most: the first of the public split. */
  maxExamples: 1000,
  /** Fewer than this and the panel is left out (the time limit is too tight for a useful number). */
  minExamples: 100,
  /** Share of the job's scoring time limit the panel may use, at the measured scoring rate. */
  timeShare: 0.2,
  /** Standard deviation of the Gaussian noise, in pixel values (0..255): 10 % of the range. */
  noiseSigma: 25.5,
  seed: 14,
} as const;

type Shape = [number, number, number];

/** Shifts image j by `pixels` right, left, down or up (j mod 4), filling with 0. */
export function shiftImages(images: Uint8Array, count: number, shape: Shape, pixels: number): Uint8Array {
  const [h, w, c] = shape;
  const size = h * w * c;
  const out = new Uint8Array(count * size);
  for (let j = 0; j < count; j++) {
    const [dx, dy] = [
      [pixels, 0],
      [-pixels, 0],
      [0, pixels],
      [0, -pixels],
    ][j % 4];
    for (let y = 0; y < h; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const sx = x - dx;
        if (sx < 0 || sx >= w) continue;
        const to = j * size + (y * w + x) * c;
        const from = j * size + (sy * w + sx) * c;
        for (let k = 0; k < c; k++) out[to + k] = images[from + k];
      }
    }
  }
  return out;
}

/** Rotates every image by `degrees` (clockwise on screen) about its centre, bilinear, 0 outside. */
export function rotateImages(images: Uint8Array, count: number, shape: Shape, degrees: number): Uint8Array {
  const [h, w, c] = shape;
  const size = h * w * c;
  const out = new Uint8Array(count * size);
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const at = (base: number, x: number, y: number, k: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : images[base + (y * w + x) * c + k]);
  for (let j = 0; j < count; j++) {
    const base = j * size;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // The source of output pixel (x, y): rotate it back by the angle about the centre.
        const sx = cx + cos * (x - cx) + sin * (y - cy);
        const sy = cy - sin * (x - cx) + cos * (y - cy);
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        for (let k = 0; k < c; k++) {
          const value =
            (1 - fy) * ((1 - fx) * at(base, x0, y0, k) + fx * at(base, x0 + 1, y0, k)) + fy * ((1 - fx) * at(base, x0, y0 + 1, k) + fx * at(base, x0 + 1, y0 + 1, k));
          out[base + (y * w + x) * c + k] = Math.round(value);
        }
      }
    }
  }
  return out;
}

/** Adds seeded Gaussian noise (Box-Muller) to every value, rounded and clipped to 0..255. */
export function addNoise(images: Uint8Array, sigma: number, seed: number): Uint8Array {
  const random = mulberry32(seed);
  const out = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i += 2) {
    const u = 1 - random();
    const v = random();
    const r = sigma * Math.sqrt(-2 * Math.log(u));
    out[i] = Math.min(255, Math.max(0, Math.round(images[i] + r * Math.cos(2 * Math.PI * v))));
    if (i + 1 < images.length) out[i + 1] = Math.min(255, Math.max(0, Math.round(images[i + 1] + r * Math.sin(2 * Math.PI * v))));
  }
  return out;
}

export interface RobustnessRequest {
  images: Uint8Array;
  labels: Uint8Array;
  shape: Shape;
  numClasses: number;
  publicIndices: ArrayLike<number>;
  /** The class the scoring run predicted for every test image (the clean accuracy reuses them). */
  predicted: ArrayLike<number>;
  /** Predicted classes of `count` raw images, by the engine that scored the test set. */
  predict: (images: Uint8Array, count: number) => Promise<ArrayLike<number>>;
  /** Seconds the panel may take at `examplesPerSecond` (absent: no time bound). */
  maxSeconds?: number;
  examplesPerSecond?: number;
  engine?: string;
}

/** The panel, or null when the time limit leaves too little room for it. */
export async function measureRobustness(request: RobustnessRequest): Promise<Robustness | null> {
  const { shape, labels } = request;
  const conditions = [
    { id: "shift-2", label: "shifted 2 px", make: (x: Uint8Array, n: number) => shiftImages(x, n, shape, 2) },
    { id: "shift-3", label: "shifted 3 px", make: (x: Uint8Array, n: number) => shiftImages(x, n, shape, 3) },
    { id: "rotate+15", label: "rotated +15°", make: (x: Uint8Array, n: number) => rotateImages(x, n, shape, 15) },
    { id: "rotate-15", label: "rotated −15°", make: (x: Uint8Array, n: number) => rotateImages(x, n, shape, -15) },
    { id: "noise", label: `noise σ ${ROBUSTNESS.noiseSigma}`, make: (x: Uint8Array) => addNoise(x, ROBUSTNESS.noiseSigma, ROBUSTNESS.seed) },
  ] as const;
  let count = Math.min(ROBUSTNESS.maxExamples, request.publicIndices.length);
  if (request.maxSeconds !== undefined && request.examplesPerSecond && Number.isFinite(request.examplesPerSecond)) {
    count = Math.min(count, Math.floor((request.maxSeconds * request.examplesPerSecond) / conditions.length));
  }
  if (count < Math.min(ROBUSTNESS.minExamples, request.publicIndices.length) || count === 0) return null;

  const size = shape[0] * shape[1] * shape[2];
  const rows = Array.from({ length: count }, (_, i) => request.publicIndices[i]);
  const sample = new Uint8Array(count * size);
  rows.forEach((row, i) => sample.set(request.images.subarray(row * size, (row + 1) * size), i * size));
  const accuracyOf = (predicted: ArrayLike<number>) => rows.reduce((sum, row, i) => sum + (predicted[i] === labels[row] ? 1 : 0), 0) / count;
  const clean = accuracyOf(rows.map((row) => request.predicted[row]));
  const measured: Robustness["conditions"] = [];
  for (const condition of conditions) {
    measured.push({ id: condition.id, label: condition.label, accuracy: accuracyOf(await request.predict(condition.make(sample, count), count)) });
  }
  return {
    examples: count,
    publicExamples: request.publicIndices.length,
    clean,
    conditions: measured,
    noiseSigma: ROBUSTNESS.noiseSigma,
    seed: ROBUSTNESS.seed,
    ...(request.engine ? { engine: request.engine } : {}),
  };
}
