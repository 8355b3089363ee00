/**
 * Integrity checks for the course's staff (the instructor's submissions page), never shown to
 * students:
 * - "Likely trained on the test set": a model's accuracy on the whole test set against its
 *   accuracy on a fixed slice of the official training data (Score.trainSliceScore, scored in the
 *   child; ./statistics.ts contaminationCheck says when the gap is clear).
 * - Copies between different students or teams: the same model files (sha256 of every model
 *   file, the history left out), or near-identical predictions on the public split from
 *   different files (NEAR_IDENTICAL below), each with who submitted first.
 */
import type { PrismaClient } from "@/lib/db";
import { TRAIN_SLICE_SIZE } from "@/lib/evaluation/train-slice";
import { bitAt } from "@/lib/scoring";
import { contaminationCheck, type ContaminationVerdict } from "./statistics";

/**
 * Near-identical predictions: the two agree on at least 99.5% of the public split AND give the
 * same answer on at least 90% of the examples either gets wrong (at least 5 such examples).
 * Raw agreement alone means little at the top of a class board: two independently trained
 * 99.7% MNIST models agree on about 99.6% of examples because both are right almost everywhere;
 * what they do not share is their mistakes (independent models share well under half of them).
 */
export const NEAR_IDENTICAL = { minAgreement: 0.995, minErrorAgreement: 0.9, minErrors: 5 } as const;

export interface FlaggedSubmission {
  submissionId: string;
  /** The student who uploaded it, and the team it counts for (if any). */
  userName: string;
  teamName: string | null;
  createdAt: Date;
}

export interface ContaminationFlag extends FlaggedSubmission {
  /** Accuracy on the whole official test set (public + private) and on the training slice. */
  testAccuracy: number;
  trainSliceAccuracy: number;
  verdict: ContaminationVerdict;
}

export interface CopyFlag {
  kind: "same-file" | "near-identical";
  /** The earlier submission, then the later one (different students or teams). */
  first: FlaggedSubmission;
  second: FlaggedSubmission;
  /** near-identical only: share of public examples with the same prediction, and of mistakes shared. */
  agreement: number | null;
  errorAgreement: number | null;
}

export interface IntegrityReport {
  contamination: ContaminationFlag[];
  copies: CopyFlag[];
  /** Whether the competition is on an official test set (the contamination check applies). */
  officialTestSet: boolean;
}

interface Row {
  id: string;
  createdAt: Date;
  entrantKey: string;
  userName: string;
  teamName: string | null;
  publicScore: number;
  privateScore: number;
  trainSliceScore: number | null;
  publicCorrect: Uint8Array | null;
  publicPredictions: Uint8Array | null;
  publicCount: number | null;
  privateCount: number | null;
  fileKey: string | null;
}

/** Every flag of a competition's scored student submissions (staff, baselines and disqualified ones left out). */
export async function integrityReport(prisma: PrismaClient, competitionId: string): Promise<IntegrityReport> {
  const competition = await prisma.competition.findUniqueOrThrow({ where: { id: competitionId }, select: { courseId: true, testSetId: true } });
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT s."id", s."createdAt", COALESCE(s."teamId", tm."teamId", s."userId") AS "entrantKey", u."name" AS "userName", t."name" AS "teamName",
           sc."publicScore", sc."privateScore", sc."trainSliceScore", sc."publicCorrect", sc."publicPredictions",
           (r."splitInfo"->>'publicCount')::int AS "publicCount", (r."splitInfo"->>'privateCount')::int AS "privateCount",
           (SELECT string_agg(f."blobSha256", ',' ORDER BY f."blobSha256") FROM "SubmissionFile" f WHERE f."submissionId" = s."id" AND f."role" <> 'history') AS "fileKey"
    FROM "Submission" s
    JOIN "Score" sc ON sc."submissionId" = s."id"
    JOIN "Enrollment" e ON e."userId" = s."userId" AND e."courseId" = ${competition.courseId} AND e."role" = 'STUDENT'
    JOIN "User" u ON u."id" = s."userId"
    LEFT JOIN "Report" r ON r."submissionId" = s."id"
    LEFT JOIN "TeamMember" tm ON tm."competitionId" = s."competitionId" AND tm."userId" = s."userId"
    LEFT JOIN "Team" t ON t."id" = COALESCE(s."teamId", tm."teamId")
    WHERE s."competitionId" = ${competitionId} AND s."status" = 'SCORED' AND s."disqualifiedAt" IS NULL AND NOT s."isBaseline"
    ORDER BY s."createdAt", s."id"`;
  const who = (row: Row): FlaggedSubmission => ({ submissionId: row.id, userName: row.userName, teamName: row.teamName, createdAt: row.createdAt });

  const contamination: ContaminationFlag[] = [];
  for (const row of rows) {
    if (row.trainSliceScore === null || !row.publicCount || !row.privateCount) continue;
    const n = row.publicCount + row.privateCount;
    const testAccuracy = (row.publicScore * row.publicCount + row.privateScore * row.privateCount) / n;
    const verdict = contaminationCheck({ accuracy: testAccuracy, n }, { accuracy: row.trainSliceScore, n: TRAIN_SLICE_SIZE });
    if (verdict.flagged) contamination.push({ ...who(row), testAccuracy, trainSliceAccuracy: row.trainSliceScore, verdict });
  }

  const copies: CopyFlag[] = [];
  // Same files: each later submission of another entrant against the first one with those files.
  const firstByFiles = new Map<string, Row>();
  for (const row of rows) {
    if (!row.fileKey) continue;
    const first = firstByFiles.get(row.fileKey);
    if (!first) firstByFiles.set(row.fileKey, row);
    else if (first.entrantKey !== row.entrantKey) copies.push({ kind: "same-file", first: who(first), second: who(row), agreement: null, errorAgreement: null });
  }
  const entrantOf = new Map(rows.map((row) => [row.id, row.entrantKey]));
  copies.push(...nearIdenticalPairs(rows).map(([a, b, agreement, errorAgreement]) => ({ kind: "near-identical" as const, first: who(a), second: who(b), agreement, errorAgreement })));
  // One flag per kind and pair of students or teams: the pair found earliest (by the later submission's time).
  const seen = new Set<string>();
  const unique = copies
    .sort((x, y) => x.second.createdAt.getTime() - y.second.createdAt.getTime())
    .filter((flag) => {
      const key = [flag.kind, ...[entrantOf.get(flag.first.submissionId), entrantOf.get(flag.second.submissionId)].sort()].join("|");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return { contamination, copies: unique, officialTestSet: competition.testSetId === null };
}

/** Pairs of different entrants' submissions (different files) whose public predictions are near-identical; earlier first. */
function nearIdenticalPairs(rows: Row[]): Array<[Row, Row, number, number]> {
  interface Errors { row: Row; n: number; positions: Int32Array; predictions: Uint8Array }
  const withErrors: Errors[] = [];
  for (const row of rows) {
    const n = row.publicCount;
    if (!n || !row.publicCorrect || !row.publicPredictions || row.publicPredictions.length !== n) continue;
    const positions: number[] = [];
    for (let i = 0; i < n; i++) if (!bitAt(row.publicCorrect, i)) positions.push(i);
    withErrors.push({ row, n, positions: Int32Array.from(positions), predictions: Uint8Array.from(positions, (i) => row.publicPredictions![i]) });
  }
  // A pair can pass only if its mistake counts are within the error-agreement ratio: compare neighbours by count.
  withErrors.sort((a, b) => a.positions.length - b.positions.length);
  const out: Array<[Row, Row, number, number]> = [];
  for (let i = 0; i < withErrors.length; i++) {
    const a = withErrors[i];
    for (let j = i + 1; j < withErrors.length; j++) {
      const b = withErrors[j];
      if (a.positions.length < NEAR_IDENTICAL.minErrorAgreement * b.positions.length) break;
      if (a.n !== b.n || a.row.entrantKey === b.row.entrantKey || (a.row.fileKey !== null && a.row.fileKey === b.row.fileKey)) continue;
      let both = 0;
      let same = 0;
      for (let x = 0, y = 0; x < a.positions.length && y < b.positions.length; ) {
        if (a.positions[x] === b.positions[y]) {
          both++;
          if (a.predictions[x] === b.predictions[y]) same++;
          x++;
          y++;
        } else if (a.positions[x] < b.positions[y]) x++;
        else y++;
      }
      const union = a.positions.length + b.positions.length - both;
      const disagreements = union - same;
      const agreement = 1 - disagreements / a.n;
      const errorAgreement = union > 0 ? same / union : 1;
      if (union >= NEAR_IDENTICAL.minErrors && agreement >= NEAR_IDENTICAL.minAgreement && errorAgreement >= NEAR_IDENTICAL.minErrorAgreement) {
        const [first, second] = a.row.createdAt <= b.row.createdAt ? [a.row, b.row] : [b.row, a.row];
        out.push([first, second, agreement, errorAgreement]);
      }
    }
  }
  return out.sort((x, y) => x[1].createdAt.getTime() - y[1].createdAt.getTime());
}
