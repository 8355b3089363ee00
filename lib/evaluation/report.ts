/**
 * The Report row's JSON columns, one zod schema each (./schemas.ts). Written with
 * reportColumnsOf / reportColumn (parsed, then made JSON-safe: NaN and infinities become null),
 * read back with readReport / readReportColumn (parsed; a column that does not parse, from an
 * older worker or a report still being written, reads as null instead of breaking the page).
 */
import type { z } from "zod";
import type { Prisma } from "@/lib/db";
import { confusionSchema, curveSummarySchema, misclassifiedSchema, modelSummarySchema, robustnessSchema, splitInfoSchema, splitMetricsSchema, type EvaluationResult } from "./schemas";

export const reportColumnSchemas = {
  metrics: splitMetricsSchema,
  privateMetrics: splitMetricsSchema,
  curves: curveSummarySchema,
  summary: modelSummarySchema,
  confusion: confusionSchema,
  misclassified: misclassifiedSchema,
  splitInfo: splitInfoSchema,
  robustness: robustnessSchema,
} as const;
export type ReportColumn = keyof typeof reportColumnSchemas;
export type ReportColumnValue<C extends ReportColumn> = z.output<(typeof reportColumnSchemas)[C]>;

/** A value as JSON stores it: non-finite numbers become null (JSON.stringify's rule, made explicit). */
function jsonSafe(value: unknown): Prisma.InputJsonValue {
  if (typeof value === "number") return (Number.isFinite(value) ? value : null) as Prisma.InputJsonValue;
  if (Array.isArray(value)) return value.map(jsonSafe) as Prisma.InputJsonValue;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, jsonSafe(v)])) as Prisma.InputJsonValue;
  return value as Prisma.InputJsonValue;
}

/** One column, checked against its schema (throws on a value of the wrong shape: our bug, not the student's). */
export function reportColumn<C extends ReportColumn>(column: C, value: z.input<(typeof reportColumnSchemas)[C]>): Prisma.InputJsonValue {
  return jsonSafe(reportColumnSchemas[column].parse(value));
}

/** Every JSON column of the report of a scoring result. */
export function reportColumnsOf(result: EvaluationResult): Omit<Record<ReportColumn, Prisma.InputJsonValue>, "curves" | "robustness"> & { curves?: Prisma.InputJsonValue; robustness?: Prisma.InputJsonValue } {
  return {
    metrics: reportColumn("metrics", result.public),
    privateMetrics: reportColumn("privateMetrics", result.private),
    curves: result.curves ? reportColumn("curves", result.curves) : undefined,
    summary: reportColumn("summary", result.summary),
    confusion: reportColumn("confusion", result.public.confusion),
    misclassified: reportColumn("misclassified", result.misclassified),
    splitInfo: reportColumn("splitInfo", result.splitInfo),
    robustness: result.robustness ? reportColumn("robustness", result.robustness) : undefined,
  };
}

/** A stored column, parsed; null when it is missing or does not parse. */
export function readReportColumn<C extends ReportColumn>(column: C, value: unknown): ReportColumnValue<C> | null {
  if (value === null || value === undefined) return null;
  const parsed = reportColumnSchemas[column].safeParse(value);
  return parsed.success ? (parsed.data as ReportColumnValue<C>) : null;
}

export interface StoredReport {
  backend: string | null;
  examplesPerSecond: number | null;
  metrics: unknown;
  privateMetrics: unknown;
  curves: unknown;
  summary: unknown;
  confusion: unknown;
  misclassified: unknown;
  splitInfo: unknown;
  /** Absent in rows read without it (older callers): reads as null. */
  robustness?: unknown;
}

/** The typed report: what the pages show and the API returns. */
export interface TypedReport {
  backend: string | null;
  examplesPerSecond: number | null;
  metrics: ReportColumnValue<"metrics"> | null;
  privateMetrics: ReportColumnValue<"privateMetrics"> | null;
  curves: ReportColumnValue<"curves"> | null;
  summary: ReportColumnValue<"summary"> | null;
  confusion: ReportColumnValue<"confusion"> | null;
  misclassified: ReportColumnValue<"misclassified">;
  splitInfo: ReportColumnValue<"splitInfo">;
  robustness: ReportColumnValue<"robustness"> | null;
}

export function readReport(row: StoredReport): TypedReport {
  return {
    backend: row.backend,
    examplesPerSecond: row.examplesPerSecond,
    metrics: readReportColumn("metrics", row.metrics),
    privateMetrics: readReportColumn("privateMetrics", row.privateMetrics),
    curves: readReportColumn("curves", row.curves),
    summary: readReportColumn("summary", row.summary),
    confusion: readReportColumn("confusion", row.confusion),
    misclassified: readReportColumn("misclassified", row.misclassified) ?? [],
    splitInfo: readReportColumn("splitInfo", row.splitInfo) ?? splitInfoSchema.parse({}),
    robustness: readReportColumn("robustness", row.robustness),
  };
}
