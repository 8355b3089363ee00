/** The staff-only integrity checks (lib/leaderboard/integrity.ts) on Scores written straight into PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/db";
import { integrityReport } from "@/lib/leaderboard/integrity";
import { packBits } from "@/lib/scoring";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { at, makeCompetition, makeCourse, makeStudent } from "./fixtures";

const N = 3000;
let database: TestDatabase;

/** Public results with mistakes at `errors` (position -> wrong class); every other example right (class = position % 10). */
function publicResults(errors: Map<number, number>) {
  const correct = packBits(Array.from({ length: N }, (_, i) => !errors.has(i)));
  const predictions = Uint8Array.from({ length: N }, (_, i) => errors.get(i) ?? i % 10);
  return { correct, predictions };
}

async function scored(prisma: PrismaClient, competitionId: string, userId: string, hours: number, errors: Map<number, number>, extra: { trainSliceScore?: number; privateScore?: number } = {}) {
  const { correct, predictions } = publicResults(errors);
  return prisma.submission.create({
    data: {
      competitionId,
      userId,
      kind: "WEIGHTS",
      status: "SCORED",
      createdAt: at(hours),
      score: {
        create: {
          publicScore: 1 - errors.size / N,
          privateScore: extra.privateScore ?? 1 - errors.size / N,
          publicCorrect: correct,
          privateCorrect: packBits([]),
          publicPredictions: predictions,
          trainSliceScore: extra.trainSliceScore ?? null,
        },
      },
      report: { create: { splitInfo: { publicCount: N, privateCount: 7000 } } },
    },
  });
}

const mistakes = (positions: number[], shift = 1) => new Map(positions.map((p) => [p, (p + shift) % 10]));
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i * 7);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("copies and test-set training, for the course's staff", () => {
  it("flags near-identical predictions from different students (who first), not independent models or one student's own variants", async () => {
    const prisma = database.prisma;
    const { course } = await makeCourse(prisma);
    const competition = await makeCompetition(prisma, course.id);
    const [kim, lee, max] = [await makeStudent(prisma, course.id, "Kim"), await makeStudent(prisma, course.id, "Lee"), await makeStudent(prisma, course.id, "Max")];
    // Kim and Lee: the same 20 mistakes with the same wrong answers (Lee later, one extra mistake).
    const kimSubmission = await scored(prisma, competition.id, kim.id, 1, mistakes(range(0, 20)));
    const leeSubmission = await scored(prisma, competition.id, lee.id, 2, mistakes([...range(0, 20), 2999]));
    // Max: as accurate, but his own 20 mistakes; Kim's second submission repeats her first.
    await scored(prisma, competition.id, max.id, 3, mistakes(range(1, 20)));
    await scored(prisma, competition.id, kim.id, 4, mistakes(range(0, 20)));
    // Same positions, different wrong answers: agreement 99.3%, no shared answer: not a copy.
    await scored(prisma, competition.id, max.id, 5, mistakes(range(0, 20), 2));
    const report = await integrityReport(prisma, competition.id);
    expect(report.copies).toHaveLength(1);
    expect(report.copies[0]).toMatchObject({ kind: "near-identical", first: { submissionId: kimSubmission.id, userName: "Kim" }, second: { submissionId: leeSubmission.id, userName: "Lee" } });
    expect(report.copies[0].agreement).toBeCloseTo(1 - 1 / N, 12);
    expect(report.copies[0].errorAgreement).toBeCloseTo(20 / 21, 12);
  });

  it("flags a model clearly better on the test set than on the training slice, with both numbers", async () => {
    const prisma = database.prisma;
    const { course } = await makeCourse(prisma);
    const competition = await makeCompetition(prisma, course.id);
    const [ann, bob] = [await makeStudent(prisma, course.id, "Ann"), await makeStudent(prisma, course.id, "Bob")];
    const cheat = await scored(prisma, competition.id, ann.id, 1, mistakes(range(0, 12)), { trainSliceScore: 0.93, privateScore: 0.996 });
    await scored(prisma, competition.id, bob.id, 2, mistakes(range(3, 30)), { trainSliceScore: 0.995, privateScore: 0.99 });
    const report = await integrityReport(prisma, competition.id);
    expect(report.officialTestSet).toBe(true);
    expect(report.contamination.map((flag) => flag.submissionId)).toEqual([cheat.id]);
    expect(report.contamination[0].testAccuracy).toBeCloseTo((0.996 * 3000 + 0.996 * 7000) / 10000, 12);
    expect(report.contamination[0].trainSliceAccuracy).toBe(0.93);
    expect(report.contamination[0].verdict.reason).toBe("test-clearly-above-training");
  });
});
