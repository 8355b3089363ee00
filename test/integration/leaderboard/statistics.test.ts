/**
 * Intervals, ties and the Ladder on real boards: Scores with per-example bitsets written straight
 * into PostgreSQL, read back through the same functions the pages and the API call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Competition, PrismaClient, User } from "@/lib/db";
import { updateCompetition } from "@/lib/competitions/manage";
import { decideLadder, privateLeaderboard, publicLeaderboard } from "@/lib/leaderboard";
import { clopperPearson } from "@/lib/leaderboard/statistics";
import { packBits } from "@/lib/scoring";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { AFTER_CLOSE, at, makeCompetition, makeCourse, makeStudent } from "./fixtures";

const PUBLIC = 3000;
const PRIVATE = 7000;
let database: TestDatabase;
let courseId: string;

/** Correctness of n examples with the first `correct` right and the rest wrong (shifted by `offset`, wrapping). */
function bits(n: number, correct: number, offset = 0): Uint8Array<ArrayBuffer> {
  return packBits(Array.from({ length: n }, (_, i) => (i - offset + n) % n < correct));
}

async function scoredWithBits(prisma: PrismaClient, competitionId: string, userId: string, hours: number, pub: { correct: number; offset?: number }, priv: { correct: number; offset?: number }, ladderPublicScore: number | null = null) {
  return prisma.submission.create({
    data: {
      competitionId,
      userId,
      kind: "WEIGHTS",
      status: "SCORED",
      createdAt: at(hours),
      score: {
        create: {
          publicScore: pub.correct / PUBLIC,
          privateScore: priv.correct / PRIVATE,
          publicCorrect: bits(PUBLIC, pub.correct, pub.offset),
          privateCorrect: bits(PRIVATE, priv.correct, priv.offset),
          publicPredictions: new Uint8Array(PUBLIC),
          ladderPublicScore,
        },
      },
      report: { create: { splitInfo: { publicCount: PUBLIC, privateCount: PRIVATE } } },
    },
    include: { score: true },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  courseId = (await makeCourse(database.prisma)).course.id;
});
afterAll(async () => {
  await database?.drop();
});

describe("intervals and ties", () => {
  let competition: Competition;
  const people: Record<string, User> = {};

  beforeAll(async () => {
    const prisma = database.prisma;
    competition = await makeCompetition(prisma, courseId, { publicFraction: 0.3 });
    for (const name of ["Ann", "Ben", "Cat", "Dan"]) people[name] = await makeStudent(prisma, courseId, name);
    // Ann and Ben are one image apart on both splits; Cat is 70 public images behind Ben; Dan has no per-example results (an old score).
    await scoredWithBits(prisma, competition.id, people.Ann.id, 1, { correct: 2970 }, { correct: 6930 });
    await scoredWithBits(prisma, competition.id, people.Ben.id, 2, { correct: 2969 }, { correct: 6929 });
    await scoredWithBits(prisma, competition.id, people.Cat.id, 3, { correct: 2899 }, { correct: 6700 });
    await prisma.submission.create({ data: { competitionId: competition.id, userId: people.Dan.id, kind: "WEIGHTS", status: "SCORED", createdAt: at(4), score: { create: { publicScore: 0.5, privateScore: 0.5 } } } });
  });

  it("two entries one image apart are tied; two far apart are ranked; every score has its interval", async () => {
    const rows = await publicLeaderboard(database.prisma, competition.id);
    expect(rows.map((row) => row.entrant.name)).toEqual(["Ann", "Ben", "Cat", "Dan"]);
    expect(rows.map((row) => row.rank)).toEqual([1, 2, 3, 4]);
    expect(rows.map((row) => row.tiedWithAbove)).toEqual([false, true, false, null]);
    expect(rows[1].pValueVsAbove).toBe(1);
    expect(rows[2].pValueVsAbove).toBeLessThan(1e-15);
    expect(rows[0].interval).toEqual(clopperPearson(2970, PUBLIC));
    expect(rows[2].interval).toEqual(clopperPearson(2899, PUBLIC));
    expect(rows.every((row) => row.examples === null || row.examples === PUBLIC)).toBe(true);
    // No score without its report's split size: no interval rather than a made-up one.
    expect(rows[3].interval).toBeNull();
    // Nothing per-example in the rows.
    expect(JSON.stringify(rows)).not.toMatch(/publicCorrect|privateCorrect|publicPredictions/);
  });

  it("the private board ties and intervals use the private split", async () => {
    const rows = await privateLeaderboard(database.prisma, competition.id, { now: AFTER_CLOSE });
    expect(rows.map((row) => row.entrant.name)).toEqual(["Ann", "Ben", "Cat", "Dan"]);
    expect(rows.map((row) => row.tiedWithAbove)).toEqual([false, true, false, null]);
    expect(rows[0].interval).toEqual(clopperPearson(6930, PRIVATE));
    expect(rows[0].publicInterval).toEqual(clopperPearson(2970, PUBLIC));
  });

  it("two entries with equal accuracy on different examples are tied (the test is paired, not on the totals)", async () => {
    const prisma = database.prisma;
    const other = await makeCompetition(prisma, courseId, { publicFraction: 0.3 });
    await scoredWithBits(prisma, other.id, people.Ann.id, 1, { correct: 2900 }, { correct: 6800 });
    // 100 different errors each side: 200 discordant examples split 100/100.
    await scoredWithBits(prisma, other.id, people.Ben.id, 2, { correct: 2900, offset: 100 }, { correct: 6800, offset: 200 });
    await scoredWithBits(prisma, other.id, people.Cat.id, 3, { correct: 2850, offset: 100 }, { correct: 6000 });
    const rows = await publicLeaderboard(prisma, other.id);
    expect(rows.map((row) => row.tiedWithAbove)).toEqual([false, true, false]);
  });
});

describe("the Ladder (probing guard)", () => {
  it("is off by default and switched on in the competition's settings (and stays on through other edits)", async () => {
    const prisma = database.prisma;
    const { course, instructor } = await makeCourse(prisma);
    const competition = await makeCompetition(prisma, course.id);
    expect(competition.probingGuard).toBe(false);
    await updateCompetition(prisma, instructor.id, competition.id, { probingGuard: true });
    await updateCompetition(prisma, instructor.id, competition.id, { title: "MNIST, guarded" });
    expect(await prisma.competition.findUniqueOrThrow({ where: { id: competition.id } })).toMatchObject({ probingGuard: true, title: "MNIST, guarded" });
    await expect(updateCompetition(prisma, instructor.id, competition.id, { probingGuard: "yes" as unknown as boolean })).rejects.toThrow(/probing guard/);
  });

  it("a slightly better submission leaves the shown score; a clearly better one moves it", async () => {
    const prisma = database.prisma;
    const competition = await makeCompetition(prisma, courseId, { publicFraction: 0.3, probingGuard: true });
    const eve = await makeStudent(prisma, courseId, "Eve");
    const rival = await makeStudent(prisma, courseId, "Rival");
    await scoredWithBits(prisma, competition.id, rival.id, 0, { correct: 2760 }, { correct: 6400 }, 0.92);
    // The worker's step: each submission's ladder score is decided when it is scored.
    const submitAndScore = async (hours: number, correct: number) => {
      const submission = await scoredWithBits(prisma, competition.id, eve.id, hours, { correct }, { correct: 6000 });
      const decision = await prisma.$transaction((tx) => decideLadder(tx, submission, correct / PUBLIC, PUBLIC));
      await prisma.score.update({ where: { submissionId: submission.id }, data: { ladderPublicScore: decision.shown } });
      return decision;
    };
    const first = await submitAndScore(1, 2700); // 0.900: the first score shows
    expect(first).toMatchObject({ shown: 0.9, previousShown: null, updated: true, threshold: 0.018 });
    const slightly = await submitAndScore(2, 2745); // 0.915: +1.5 points, under the 1.8-point step
    expect(slightly).toMatchObject({ shown: 0.9, previousShown: 0.9, updated: false });
    let board = await publicLeaderboard(prisma, competition.id);
    expect(board.map((row) => [row.entrant.name, row.score])).toEqual([["Rival", 0.92], ["Eve", 0.9]]);
    const clearly = await submitAndScore(3, 2790); // 0.930: +3 points
    expect(clearly).toMatchObject({ shown: 0.93, previousShown: 0.9, updated: true });
    board = await publicLeaderboard(prisma, competition.id);
    expect(board.map((row) => [row.entrant.name, row.score])).toEqual([["Eve", 0.93], ["Rival", 0.92]]);
    // Without the guard the same rows rank by their public scores (Eve's best public is 0.93 either way; the 0.915 shows as itself).
    await prisma.competition.update({ where: { id: competition.id }, data: { probingGuard: false } });
    board = await publicLeaderboard(prisma, competition.id);
    expect(board[0].score).toBeCloseTo(0.93, 12);
  });
});
