/**
 * Keras' random preprocessing layers (RandomFlip, RandomTranslation, RandomRotation, RandomZoom,
 * RandomCrop) as Keras defines them: they transform each image at random while the model
 * trains (training=true) and leave it alone at inference, except RandomCrop, which at inference
 * (and in training when the image is smaller than its target) resizes like Keras' smart_resize:
 * the largest central window with the target's aspect ratio, resized bilinearly to the target.
 *
 * Formulas follow keras.layers (Keras 2.x image_preprocessing and Keras 3): factors are fractions
 * (a number f means [-f, f], a pair [lo, hi] is the range), rotation factors are fractions of a
 * full turn, zoom factors above 0 zoom out, translations move the image by factor x size pixels,
 * fill_mode "reflect" and bilinear interpolation by default. Each image draws its own values
 * from a seeded generator (the layer's `seed`, else one derived from its name), so a training
 * run repeats. Rotation, translation and zoom are projective transforms computed in plain JS
 * (transformImages), through which no gradient flows: training refuses them after a layer with
 * weights (see geometricAugmentationAfterWeights); flips and crops are slices and reversals,
 * which have gradients.
 */
import * as tf from "@tensorflow/tfjs";

type Config = Record<string, unknown>;
type FillMode = "constant" | "reflect" | "wrap" | "nearest";

/** Keras classes that act during training (RandomContrast and RandomBrightness stay inactive). */
export const TRAINING_AUGMENTATION_CLASSES = ["RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "RandomCrop"] as const;
/** The ones drawn with tf.image.transform (no gradient in TF.js). */
export const GEOMETRIC_AUGMENTATION_CLASSES = new Set(["RandomTranslation", "RandomRotation", "RandomZoom"]);

/** A number f -> [-f, f]; a pair -> itself (Keras' factor argument). */
export function factorRange(value: unknown): [number, number] {
  if (typeof value === "number") return [-Math.abs(value), Math.abs(value)];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "number")) return [value[0] as number, value[1] as number];
  return [0, 0];
}

/** The seed a layer draws from: its Keras `seed`, else a hash of its name (stable across runs). */
export function layerSeed(config: Config, name: string): number {
  if (typeof config.seed === "number" && Number.isFinite(config.seed)) return config.seed >>> 0;
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return hash >>> 0;
}

const uniform = (random: () => number, [lo, hi]: [number, number]) => lo + (hi - lo) * random();

/** Keras' rotation matrix (output pixel -> input pixel) for `angle` radians about the image centre. */
export function kerasRotationRow(angle: number, height: number, width: number): number[] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const xOffset = (width - 1 - (cos * (width - 1) - sin * (height - 1))) / 2;
  const yOffset = (height - 1 - (sin * (width - 1) + cos * (height - 1))) / 2;
  return [cos, -sin, xOffset, sin, cos, yOffset, 0, 0];
}

/** Moves the image by (dx, dy) pixels: output(x, y) = input(x - dx, y - dy). */
export function kerasTranslationRow(dx: number, dy: number): number[] {
  return [1, 0, -dx, 0, 1, -dy, 0, 0];
}

/** Keras' zoom matrix: zx, zy above 1 zoom out (a wider window of the input fills the output). */
export function kerasZoomRow(zx: number, zy: number, height: number, width: number): number[] {
  return [zx, 0, ((width - 1) / 2) * (1 - zx), 0, zy, ((height - 1) / 2) * (1 - zy), 0, 0];
}

function fillMode(config: Config): FillMode {
  const mode = config.fill_mode ?? "reflect";
  return mode === "constant" || mode === "wrap" || mode === "nearest" ? mode : "reflect";
}

function projective(x: tf.Tensor4D, rows: number[][], config: Config): tf.Tensor4D {
  const interpolation = config.interpolation === "nearest" ? "nearest" : "bilinear";
  const fillValue = typeof config.fill_value === "number" ? config.fill_value : 0;
  return tf.tensor4d(transformImages(x.dataSync() as Float32Array, x.shape, rows, interpolation, fillMode(config), fillValue), x.shape);
}

/** TF's coordinate mapping for a fill mode (image_ops.h); "constant" leaves the coordinate as it is. */
function mapCoord(coord: number, len: number, mode: FillMode): number {
  let c = coord;
  if (mode === "reflect") {
    // [abcd] -> [dcba|abcd|dcba]
    if (len <= 1) c = 0;
    else if (c < 0) {
      const sz2 = 2 * len;
      if (c < sz2) c = sz2 * Math.trunc(-c / sz2) + c;
      c = c < -len ? c + sz2 : -c - 1;
    } else if (c > len - 1) {
      const sz2 = 2 * len;
      c -= sz2 * Math.trunc(c / sz2);
      if (c >= len) c = sz2 - c - 1;
    }
    return Math.min(len - 1, Math.max(0, c));
  }
  if (mode === "wrap") {
    // [abcd] -> [abcd|abcd|abcd]
    if (len <= 1) c = 0;
    else if (c < 0) c += len * (Math.trunc(-c / (len - 1)) + 1);
    else if (c > len - 1) c -= len * Math.trunc(c / (len - 1));
    return Math.min(len - 1, Math.max(0, c));
  }
  if (mode === "nearest") return Math.min(len - 1, Math.max(0, c));
  return c;
}

/**
 * tf.image.transform (TF's ImageProjectiveTransformV3) in plain JS: TF.js' wasm kernel maps
 * "reflect" like "wrap" (4.22), and Keras' layers default to "reflect". No gradient flows
 * through it, which is why training refuses these layers after a layer with weights.
 */
export function transformImages(values: Float32Array, shape: [number, number, number, number], rows: number[][], interpolation: "nearest" | "bilinear", mode: FillMode, fillValue: number): Float32Array {
  const [n, h, w, c] = shape;
  const out = new Float32Array(values.length).fill(fillValue);
  const read = (base: number, y: number, x: number, k: number) => (y >= 0 && y < h && x >= 0 && x < w ? values[base + (y * w + x) * c + k] : fillValue);
  for (let b = 0; b < n; b++) {
    const t = rows[rows.length === 1 ? 0 : b];
    const base = b * h * w * c;
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < w; ox++) {
        const projection = t[6] * ox + t[7] * oy + 1;
        if (projection === 0) continue;
        const x = mapCoord((t[0] * ox + t[1] * oy + t[2]) / projection, w, mode);
        const y = mapCoord((t[3] * ox + t[4] * oy + t[5]) / projection, h, mode);
        for (let k = 0; k < c; k++) {
          let value: number;
          if (interpolation === "nearest") value = read(base, Math.round(y), Math.round(x), k);
          else {
            const y0 = Math.floor(y);
            const x0 = Math.floor(x);
            const top = (x0 + 1 - x) * read(base, y0, x0, k) + (x - x0) * read(base, y0, x0 + 1, k);
            const bottom = (x0 + 1 - x) * read(base, y0 + 1, x0, k) + (x - x0) * read(base, y0 + 1, x0 + 1, k);
            value = (y0 + 1 - y) * top + (y - y0) * bottom;
          }
          out[base + (oy * w + ox) * c + k] = value;
        }
      }
    }
  }
  return out;
}

/** Keras' flip mode, whatever the spelling ("horizontal_and_vertical" comes back from TF.js as "horizontalAndVertical"). */
function flipMode(config: Config): "horizontal" | "vertical" | "horizontal_and_vertical" {
  const mode = typeof config.mode === "string" ? config.mode.replaceAll("_", "").toLowerCase() : "horizontalandvertical";
  return mode === "horizontal" ? "horizontal" : mode === "vertical" ? "vertical" : "horizontal_and_vertical";
}

/** Per-image random flips, as reversals selected by a mask (both have gradients). */
function randomFlip(x: tf.Tensor4D, config: Config, random: () => number): tf.Tensor4D {
  const mode = flipMode(config);
  const n = x.shape[0];
  return tf.tidy(() => {
    let out = x;
    for (const [axis, on] of [[2, mode.includes("horizontal")], [1, mode.includes("vertical")]] as const) {
      if (!on) continue;
      const mask = Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
      out = tf.where(tf.tensor4d(mask, [n, 1, 1, 1], "bool"), tf.reverse(out, axis), out);
    }
    return out;
  });
}

function randomTranslation(x: tf.Tensor4D, config: Config, random: () => number): tf.Tensor4D {
  const [n, height, width] = x.shape;
  const hRange = factorRange(config.height_factor);
  const wRange = factorRange(config.width_factor);
  const rows = Array.from({ length: n }, () => {
    const dy = uniform(random, hRange) * height;
    const dx = uniform(random, wRange) * width;
    return kerasTranslationRow(dx, dy);
  });
  return projective(x, rows, config);
}

function randomRotation(x: tf.Tensor4D, config: Config, random: () => number): tf.Tensor4D {
  const [n, height, width] = x.shape;
  const range = factorRange(config.factor);
  return projective(x, Array.from({ length: n }, () => kerasRotationRow(uniform(random, range) * 2 * Math.PI, height, width)), config);
}

function randomZoom(x: tf.Tensor4D, config: Config, random: () => number): tf.Tensor4D {
  const [n, height, width] = x.shape;
  const hRange = factorRange(config.height_factor);
  const wRange = config.width_factor === null || config.width_factor === undefined ? null : factorRange(config.width_factor);
  const rows = Array.from({ length: n }, () => {
    const zy = 1 + uniform(random, hRange);
    const zx = wRange ? 1 + uniform(random, wRange) : zy;
    return kerasZoomRow(zx, zy, height, width);
  });
  return projective(x, rows, config);
}

/**
 * Keras' smart_resize: the largest central window with the target's aspect ratio, resized
 * bilinearly (half-pixel centres, as tf.image.resize) to the target; the identity at that size.
 */
export function smartResize(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (h === height && w === width) return x;
  return tf.tidy(() => {
    const cropHeight = Math.min(h, Math.floor((w * height) / width));
    const cropWidth = Math.min(w, Math.floor((h * width) / height));
    const top = Math.floor((h - cropHeight) / 2);
    const left = Math.floor((w - cropWidth) / 2);
    const window = tf.slice(x, [0, top, left, 0], [-1, cropHeight, cropWidth, -1]);
    return tf.image.resizeBilinear(window, [height, width], false, true);
  });
}

/** Training: a random height x width window of each image (smart_resize when the image is smaller). */
export function randomCrop(x: tf.Tensor4D, height: number, width: number, random: () => number): tf.Tensor4D {
  const [n, h, w] = x.shape;
  if (h < height || w < width) return smartResize(x, height, width);
  if (h === height && w === width) return x;
  return tf.tidy(() => {
    const crops = Array.from({ length: n }, (_, i) => {
      const top = Math.floor(random() * (h - height + 1));
      const left = Math.floor(random() * (w - width + 1));
      return tf.slice(x, [i, top, left, 0], [1, height, width, -1]);
    });
    return tf.concat(crops, 0);
  });
}

/**
 * The training-time transform of one Keras class, or null for a class that stays inactive
 * (RandomContrast, RandomBrightness). The caller owns the input; the result may be the input.
 */
export function kerasAugmentation(className: string, config: Config): ((x: tf.Tensor4D, random: () => number) => tf.Tensor4D) | null {
  switch (className) {
    case "RandomFlip":
      return (x, random) => randomFlip(x, config, random);
    case "RandomTranslation":
      return (x, random) => randomTranslation(x, config, random);
    case "RandomRotation":
      return (x, random) => randomRotation(x, config, random);
    case "RandomZoom":
      return (x, random) => randomZoom(x, config, random);
    default:
      return null;
  }
}

/** One line for the report: "RandomFlip 'flip' (horizontal)". */
export function describeKerasAugmentation(className: string, name: string, config: Config): string {
  const range = (value: unknown, scale = 1, unit = "") => {
    const [lo, hi] = factorRange(value);
    const fmt = (v: number) => `${Math.round(v * scale * 10) / 10}${unit}`;
    return lo === -hi ? `±${fmt(hi)}` : `${fmt(lo)} to ${fmt(hi)}`;
  };
  switch (className) {
    case "RandomFlip":
      return `${className} '${name}' (${flipMode(config)})`;
    case "RandomTranslation":
      return `${className} '${name}' (height ${range(config.height_factor, 100, " %")}, width ${range(config.width_factor, 100, " %")})`;
    case "RandomRotation":
      return `${className} '${name}' (${range(config.factor, 360, "°")})`;
    case "RandomZoom":
      return `${className} '${name}' (${range(config.height_factor, 100, " %")})`;
    case "RandomCrop":
      return `${className} '${name}' (${String(config.height)}x${String(config.width)})`;
    default:
      return `${className} '${name}'`;
  }
}

