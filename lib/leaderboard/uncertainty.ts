/**
 * Intervals and ties on a board. Every score gets its 95% interval on its split's n; an entry
 * whose per-example results do not differ significantly from the entry ranked above it (exact
 * McNemar on the discordant examples, ./statistics.ts) is marked tied with it. The per-example
 * bitsets are read here, on the server, and only the verdicts leave this module.
 */
import type { PrismaClient } from "@/lib/db";
import { discordantCounts } from "@/lib/scoring";
import { accuracyInterval, mcnemarExact, TIE_ALPHA, type Interval } from "./statistics";

export type { Interval };

export interface Uncertainty {
  /** 95% interval of the score (exact Clopper-Pearson on the split's n); null when n is unknown. */
  interval: Interval | null;
  /** Examples in the split the score was measured on. */
  examples: number | null;
  /**
   * True when the difference from the ranked entry above is not significant (p >= 0.05, exact
   * McNemar on per-example correctness); false when it is, or for the top entry and baselines;
   * null when either entry has no per-example results (scored before they were kept).
   */
  tiedWithAbove: boolean | null;
  /** The test's p-value against the entry above (null as for tiedWithAbove). */
  pValueVsAbove: number | null;
}

interface PerExampleRow {
  submissionId: string;
  publicCorrect: Uint8Array | null;
  privateCorrect: Uint8Array | null;
  publicCount: number | null;
  privateCount: number | null;
}

export interface SplitResults {
  correct: Uint8Array | null;
  examples: number | null;
}

/** Per-example correctness and split sizes of the given submissions (from Score and the report's splitInfo). */
export async function loadSplitResults(prisma: PrismaClient, submissionIds: string[]): Promise<Map<string, { public: SplitResults; private: SplitResults }>> {
  const out = new Map<string, { public: SplitResults; private: SplitResults }>();
  if (submissionIds.length === 0) return out;
  const rows = await prisma.$queryRaw<PerExampleRow[]>`
    SELECT sc."submissionId", sc."publicCorrect", sc."privateCorrect",
           (r."splitInfo"->>'publicCount')::int AS "publicCount", (r."splitInfo"->>'privateCount')::int AS "privateCount"
    FROM "Score" sc
    LEFT JOIN "Report" r ON r."submissionId" = sc."submissionId"
    WHERE sc."submissionId" = ANY(${submissionIds})`;
  for (const row of rows) {
    const bytes = (value: Uint8Array | null) => (value ? new Uint8Array(value) : null);
    out.set(row.submissionId, {
      public: { correct: bytes(row.publicCorrect), examples: row.publicCount },
      private: { correct: bytes(row.privateCorrect), examples: row.privateCount },
    });
  }
  return out;
}

/**
 * Intervals and tie marks for board rows in board order. `results` gives each row's per-example
 * correctness on the board's split (the entrant's submission the score comes from); baselines get
 * an interval but are never compared (they take no rank).
 */
export function boardUncertainty(rows: Array<{ score: number; isBaseline: boolean; results: SplitResults | undefined }>): Uncertainty[] {
  let above: SplitResults | undefined;
  return rows.map((row) => {
    const examples = row.results?.examples ?? null;
    const interval = examples ? accuracyInterval(row.score, examples) : null;
    if (row.isBaseline) return { interval, examples, tiedWithAbove: false, pValueVsAbove: null };
    const previous = above;
    above = row.results;
    if (!previous) return { interval, examples, tiedWithAbove: false, pValueVsAbove: null };
    const n = examples;
    if (!n || previous.examples !== n || !row.results?.correct || !previous.correct) return { interval, examples, tiedWithAbove: null, pValueVsAbove: null };
    // Bitsets that do not hold n examples (a different split) are not compared.
    const bytes = Math.ceil(n / 8);
    if (row.results.correct.length !== bytes || previous.correct.length !== bytes) return { interval, examples, tiedWithAbove: null, pValueVsAbove: null };
    const { onlyA, onlyB } = discordantCounts(previous.correct, row.results.correct, n);
    const p = mcnemarExact(onlyA, onlyB);
    return { interval, examples, tiedWithAbove: p >= TIE_ALPHA, pValueVsAbove: p };
  });
}

/** The line the pages show under a board that has ties. */
export const TIE_EXPLANATION =
  "“Tied” means the entry's difference from the one above it could be chance: on the examples where exactly one of the two models is right, neither wins clearly enough (exact McNemar test, p ≥ 0.05). Intervals are 95% (exact binomial) on the split's number of images.";
