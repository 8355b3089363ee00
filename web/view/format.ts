/**
 * Formatting for pages. Pure functions with no time zone: dates are formatted in the viewer's
 * zone by the <LocalTime> client component, never here on the server.
 */

/**
 * Decimals of a score in percent, wherever a score is shown (leaderboards, reports, the
 * competition page, grades): one number, so the same score always reads the same.
 */
export const SCORE_DECIMALS = 3;

/** An accuracy (0..1) as a percentage with SCORE_DECIMALS decimals, e.g. "97.532 %". */
export function formatScore(value: number | null | undefined, digits = SCORE_DECIMALS): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${(value * 100).toFixed(digits)} %`;
}

/**
 * A tick on an accuracy axis (0..1): as short as the ticks need, so the labels fit the axis:
 * "98%", "97.5%" (at most one decimal: axis ticks are round numbers).
 */
export function formatPercentTick(value: number): string {
  if (!Number.isFinite(value)) return "";
  const percent = Math.round(value * 1000) / 10;
  return `${Number.isInteger(percent) ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/** A change in accuracy in percentage points with a sign, e.g. "+0.42 pp". */
export function formatDelta(value: number, digits = 2): string {
  const points = value * 100;
  const rounded = Number(points.toFixed(digits));
  if (rounded === 0) return `±0.${"0".repeat(digits)} pp`;
  return `${rounded > 0 ? "+" : "−"}${Math.abs(points).toFixed(digits)} pp`;
}

/** A loss or other plain number, with a fixed number of decimals. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toFixed(digits);
}

/** A whole number with thousands separators, e.g. "1,234,567". */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return Math.round(value).toLocaleString("en-US");
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "–";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatFlops(flops: number | null | undefined): string {
  if (flops === null || flops === undefined || !Number.isFinite(flops)) return "unknown";
  if (flops >= 1e12) return `${(flops / 1e12).toFixed(2)} TFLOPs`;
  if (flops >= 1e9) return `${(flops / 1e9).toFixed(2)} GFLOPs`;
  if (flops >= 1e6) return `${(flops / 1e6).toFixed(2)} MFLOPs`;
  if (flops >= 1e3) return `${(flops / 1e3).toFixed(1)} KFLOPs`;
  return `${Math.round(flops)} FLOPs`;
}

/** A duration in words: "45 s", "3 min 20 s", "2 h 5 min", "3 days 4 h". */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds)) return "–";
  const seconds = Math.max(0, Math.round(totalSeconds));
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days} day${days === 1 ? "" : "s"}${hours ? ` ${hours} h` : ""}`;
  if (hours > 0) return `${hours} h${minutes ? ` ${minutes} min` : ""}`;
  if (minutes > 0) return `${minutes} min${rest ? ` ${rest} s` : ""}`;
  return `${rest} s`;
}

/** "1 submission", "3 submissions". */
export function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? word : pluralWord}`;
}

export type SubmissionKindName = "WEIGHTS" | "DEFINITION";

export function kindLabel(kind: SubmissionKindName | string): string {
  return kind === "WEIGHTS" ? "Trained model" : kind === "DEFINITION" ? "Architecture (Holdout trains it)" : kind;
}

export function kindShortLabel(kind: SubmissionKindName | string): string {
  return kind === "WEIGHTS" ? "model" : kind === "DEFINITION" ? "definition" : kind.toLowerCase();
}

/** A public fraction (0.3) as words: "30 % public, 70 % private". */
export function formatSplit(publicFraction: number): string {
  const publicPercent = Math.round(publicFraction * 100);
  return `${publicPercent} % public, ${100 - publicPercent} % private`;
}

/**
 * Describes a submission's preprocessing as stored (lib/models/preprocessing's Preprocessing:
 * "raw", "1/255" or { mean, std } on the 0..1 scale). Unparseable or missing: the default.
 */
export function formatPreprocessing(value: unknown): string {
  if (value === "raw") return "raw pixels (0–255)";
  const standardized = value as { mean?: unknown; std?: unknown } | null;
  if (standardized && typeof standardized === "object" && Array.isArray(standardized.mean) && Array.isArray(standardized.std)) {
    return `pixels / 255, then standardized: mean ${standardized.mean.join(", ")}, std ${standardized.std.join(", ")}`;
  }
  return "pixels / 255 (0–1)";
}
