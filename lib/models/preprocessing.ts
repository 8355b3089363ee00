/**
 * How pixels (0..255 bytes) become the numbers a model was trained on, declared per submission:
 *
 * - "1/255" (default): x = pixel / 255, values in 0..1 (what `x_train / 255.0` gives).
 * - "raw": x = pixel as a float, 0..255 (models trained on unscaled data, or that rescale
 *   inside, with a Rescaling layer).
 * - { mean, std }: x = (pixel / 255 - mean[c]) / std[c], per channel c. mean and std are on
 *   the 0..1 scale (like torchvision's Normalize after ToTensor, or Keras' Normalization layer
 *   adapted on x_train / 255); one value applies to all channels.
 *
 * Every mapping is a 256-entry lookup table per channel, computed in float64 and rounded
 * once to float32, so a batch of images becomes model input in one pass with no extra copy,
 * and `pixel / 255` equals numpy's `uint8_array / 255.0` cast to float32 exactly.
 */
import { z } from "zod";
import { fail, type WarningList } from "./errors";

export type Preprocessing = "raw" | "1/255" | { mean: number[]; std: number[] };

export const preprocessingSchema = z.union([
  z.literal("raw"),
  z.literal("1/255"),
  z
    .object({
      mean: z.array(z.number().finite()).min(1),
      std: z.array(z.number().finite().positive()).min(1),
    })
    .strict()
    .refine((v) => v.mean.length === v.std.length, { message: "mean and std must have the same length" }),
]);

/** Accepts "raw", "1/255" (also "scale", "/255"), or a JSON {"mean": [...], "std": [...]}. */
export function parsePreprocessing(value: unknown): Preprocessing {
  let candidate = value;
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "scale" || text === "/255" || text === "1/255.0") candidate = "1/255";
    else if (text.startsWith("{")) {
      try {
        candidate = JSON.parse(text);
      } catch {
        candidate = text;
      }
    } else candidate = text;
  }
  const parsed = preprocessingSchema.safeParse(candidate);
  if (!parsed.success) {
    fail("BAD_PREPROCESSING", `Preprocessing ${JSON.stringify(value)} is not valid: ${parsed.error.issues.map((i) => i.message).join("; ")}.`, {
      hint: 'Use "1/255" (pixels scaled to 0..1), "raw" (0..255), or {"mean": [...], "std": [...]} on the 0..1 scale.',
    });
  }
  return parsed.data;
}

export function describePreprocessing(p: Preprocessing): string {
  if (p === "raw") return "raw (0..255)";
  if (p === "1/255") return "1/255 (0..1)";
  return `(x/255 - mean ${JSON.stringify(p.mean)}) / std ${JSON.stringify(p.std)}`;
}

/**
 * The preprocessing to use. An undeclared one defaults to "1/255", except for a model that
 * rescales its own input (a Rescaling layer dividing by ~255 or ~127.5): it gets raw pixels.
 * A declared scaling on top of such a layer is honoured but flagged (pixels scaled twice).
 */
export function resolvePreprocessing(
  declared: Preprocessing | undefined,
  rescaling: Array<{ name: string; scale: number; offset: number }>,
  warnings: WarningList,
): Preprocessing {
  const scaler = rescaling.find((r) => r.scale > 0 && r.scale < 0.05);
  if (declared === undefined) {
    if (scaler) {
      warnings.add("RAW_PIXELS_ASSUMED", `The model rescales its own input (layer '${scaler.name}': x * ${scaler.scale.toPrecision(4)} + ${scaler.offset}), so it is fed raw 0..255 pixels.`, {
        location: `layer '${scaler.name}'`,
        hint: 'Declare preprocessing "1/255" only if you also divided by 255 before training.',
      });
      return "raw";
    }
    return "1/255";
  }
  if (scaler && declared !== "raw") {
    warnings.add(
      "DOUBLE_SCALING",
      `The model rescales its own input (layer '${scaler.name}': x * ${scaler.scale.toPrecision(4)}), and the declared preprocessing ${describePreprocessing(declared)} scales the pixels as well: they are scaled twice, which usually ruins accuracy.`,
      { location: `layer '${scaler.name}'`, hint: 'Declare preprocessing "raw" unless you really trained on already-scaled images fed through the Rescaling layer.' },
    );
  }
  return declared;
}

/** One 256-entry float32 table per channel: table[c][pixel] = model input value. */
export function pixelLookupTables(p: Preprocessing, channels: number): Float32Array[] {
  if (typeof p === "object" && p.mean.length !== 1 && p.mean.length !== channels) {
    fail("BAD_PREPROCESSING", `Preprocessing gives ${p.mean.length} mean/std values, but the images have ${channels} channel(s).`, {
      hint: `Give 1 value or ${channels} values.`,
    });
  }
  return Array.from({ length: channels }, (_, c) => {
    const table = new Float32Array(256);
    for (let pixel = 0; pixel < 256; pixel++) {
      if (p === "raw") table[pixel] = pixel;
      else if (p === "1/255") table[pixel] = pixel / 255;
      else {
        const i = p.mean.length === 1 ? 0 : c;
        table[pixel] = (pixel / 255 - p.mean[i]) / p.std[i];
      }
    }
    return table;
  });
}

/**
 * Pixels of `count` images (NHWC bytes) -> model input values, using the per-channel tables.
 * Writes into `out` (reused across batches by the caller).
 */
export function applyLookup(pixels: Uint8Array, tables: Float32Array[], out: Float32Array): Float32Array {
  const channels = tables.length;
  if (channels === 1) {
    const table = tables[0];
    for (let i = 0; i < pixels.length; i++) out[i] = table[pixels[i]];
  } else {
    for (let i = 0; i < pixels.length; i++) out[i] = tables[i % channels][pixels[i]];
  }
  return out;
}
