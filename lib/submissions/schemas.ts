import { z } from "zod";
import { parsePreprocessing as parseModelPreprocessing, type Preprocessing } from "@/lib/models/preprocessing";

export type { Preprocessing };

/**
 * A submission's declared preprocessing, in the short forms forms, the API and the CLI use:
 * "1/255", "raw", "mean=0.49,0.48,0.45;std=0.25,0.24,0.26" or a JSON {mean, std}; empty or
 * "auto" means undeclared (null): "1/255", or raw pixels for a model with a Rescaling layer.
 */
export function parsePreprocessing(value: unknown): Preprocessing | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "" || text === "auto") return null;
    const match = /^mean=([^;]+);\s*std=(.+)$/.exec(text);
    if (match) {
      const numbers = (list: string) => list.split(",").map((item) => Number(item.trim()));
      return parseModelPreprocessing({ mean: numbers(match[1]), std: numbers(match[2]) });
    }
  }
  return parseModelPreprocessing(value);
}

export const submissionKindSchema = z.enum(["WEIGHTS", "DEFINITION"]);

/** Accepts the lower-case names used by the CLI and the API. */
export function parseSubmissionKind(value: unknown): "WEIGHTS" | "DEFINITION" {
  const text = String(value ?? "weights").trim().toUpperCase();
  const parsed = submissionKindSchema.safeParse(text);
  if (!parsed.success) throw new Error(`Unknown kind "${value}". Use "weights" (a trained model file) or "definition" (an architecture Holdout trains).`);
  return parsed.data;
}
