/**
 * The competition page's score chart: a student's own public scores over time, and the
 * competition's baselines (instructors' submissions, labelled by baselineLabel, e.g. "MLP",
 * "CNN") as horizontal lines. Public scores only: private ones are never part of it.
 */
import type { PrismaClient } from "@/lib/db";

export interface ScorePoint {
  /** ISO time of the upload. */
  at: string;
  publicScore: number;
  submissionId: string;
}

export interface BaselineLine {
  label: string;
  publicScore: number;
}

/** The scored, not disqualified submissions among `rows`, oldest first. */
export function ownScoreHistory(rows: Array<{ id: string; status: string; disqualifiedReason: string | null; publicScore: number | null; createdAt: Date }>): ScorePoint[] {
  return rows
    .filter((row) => row.status === "SCORED" && !row.disqualifiedReason && row.publicScore !== null && Number.isFinite(row.publicScore))
    .map((row) => ({ at: row.createdAt.toISOString(), publicScore: row.publicScore!, submissionId: row.id }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** Unlabelled instructor baselines share one line under this name. */
export const UNLABELLED_BASELINE = "Instructor baseline";

/** One line per baseline label (its best public score), best first. */
export async function baselineLines(prisma: PrismaClient, competitionId: string): Promise<BaselineLine[]> {
  const rows = await prisma.submission.findMany({
    where: { competitionId, isBaseline: true, status: "SCORED", disqualifiedReason: null, score: { isNot: null } },
    select: { baselineLabel: true, score: { select: { publicScore: true } } },
  });
  const best = new Map<string, number>();
  for (const row of rows) {
    const score = row.score?.publicScore;
    if (score === undefined || score === null || !Number.isFinite(score)) continue;
    const label = row.baselineLabel?.trim() || UNLABELLED_BASELINE;
    best.set(label, Math.max(best.get(label) ?? -Infinity, score));
  }
  return [...best.entries()].map(([label, publicScore]) => ({ label, publicScore })).sort((a, b) => b.publicScore - a.publicScore);
}
