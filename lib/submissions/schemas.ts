import { z } from "zod";

export const preprocessingSchema = z.union([
  z.object({ mode: z.literal("1/255") }),
  z.object({ mode: z.literal("raw") }),
  z.object({
    mode: z.literal("standardize"),
    /** Per-channel mean and std on the 0..1 scale: x = (pixel/255 - mean) / std. */
    mean: z.array(z.number()).min(1).max(3),
    std: z.array(z.number().positive("std must be positive")).min(1).max(3),
  }),
]);
export type Preprocessing = z.infer<typeof preprocessingSchema>;

/** Parses the short forms used by forms, the API and the CLI: "1/255", "raw", or "mean=..;std=..". */
export function parsePreprocessing(value: unknown): Preprocessing {
  if (value === undefined || value === null || value === "") return { mode: "1/255" };
  if (typeof value === "object") return preprocessingSchema.parse(value);
  const text = String(value).trim();
  if (text === "1/255" || text === "raw") return { mode: text };
  const match = /^mean=([\d.,\s-]+);\s*std=([\d.,\s]+)$/.exec(text);
  if (match) {
    const numbers = (list: string) => list.split(",").map((item) => Number(item.trim()));
    return preprocessingSchema.parse({ mode: "standardize", mean: numbers(match[1]), std: numbers(match[2]) });
  }
  throw new Error(`Unknown preprocessing "${text}". Use "1/255" (pixels scaled to 0..1), "raw" (0..255) or "mean=0.49,0.48,0.45;std=0.25,0.24,0.26".`);
}

export const submissionKindSchema = z.enum(["WEIGHTS", "DEFINITION"]);

/** Accepts the lower-case names used by the CLI and the API. */
export function parseSubmissionKind(value: unknown): "WEIGHTS" | "DEFINITION" {
  const text = String(value ?? "weights").trim().toUpperCase();
  const parsed = submissionKindSchema.safeParse(text);
  if (!parsed.success) throw new Error(`Unknown kind "${value}". Use "weights" (a trained model file) or "definition" (an architecture Holdout trains).`);
  return parsed.data;
}
