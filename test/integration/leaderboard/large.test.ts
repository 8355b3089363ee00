import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Competition } from "@/lib/db";
import { privateLeaderboard, publicLeaderboard } from "@/lib/leaderboard";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { AFTER_CLOSE, makeCompetition, makeCourse, OPENS } from "./fixtures";

/** 200 students x 20 scored submissions, checked against a naive re-implementation of the rules. */
const STUDENTS = 200;
const PER_STUDENT = 20;

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sub { id: string; userId: string; publicScore: number; privateScore: number; createdAt: Date; selected: boolean; disqualified: boolean }

let database: TestDatabase;
let competition: Competition;
const subs: Sub[] = [];
const names = new Map<string, string>();

beforeAll(async () => {
  database = await createTestDatabase();
  const prisma = database.prisma;
  const { course } = await makeCourse(prisma);
  competition = await makeCompetition(prisma, course.id, { maxFinalSelections: 3 });
  const random = mulberry32(7);
  const users = Array.from({ length: STUDENTS }, (_, i) => ({ id: `student-${String(i).padStart(3, "0")}`, email: `s${i}@example.edu`, name: `Student ${i}` }));
  await prisma.user.createMany({ data: users });
  await prisma.enrollment.createMany({ data: users.map((user) => ({ userId: user.id, courseId: course.id, role: "STUDENT" as const })) });
  for (const user of users) names.set(user.id, user.name);
  // Distinct times in a shuffled order; scores on a coarse grid so ties are common.
  const minutes = Array.from({ length: STUDENTS * PER_STUDENT }, (_, i) => i);
  for (let i = minutes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [minutes[i], minutes[j]] = [minutes[j], minutes[i]];
  }
  let n = 0;
  for (const user of users) {
    const selectsFinals = random() < 0.2;
    for (let k = 0; k < PER_STUDENT; k++) {
      subs.push({
        id: `sub-${String(n).padStart(5, "0")}`,
        userId: user.id,
        publicScore: Math.round((0.8 + random() * 0.19) * 200) / 200,
        privateScore: Math.round((0.8 + random() * 0.19) * 200) / 200,
        createdAt: new Date(OPENS.getTime() + minutes[n] * 60_000),
        selected: selectsFinals && k < 2,
        disqualified: random() < 0.02,
      });
      n++;
    }
  }
  await prisma.submission.createMany({
    data: subs.map((s) => ({ id: s.id, competitionId: competition.id, userId: s.userId, kind: "WEIGHTS" as const, status: "SCORED" as const, createdAt: s.createdAt, selectedForFinal: s.selected, disqualifiedAt: s.disqualified ? new Date() : null })),
  });
  await prisma.score.createMany({ data: subs.map((s) => ({ submissionId: s.id, publicScore: s.publicScore, privateScore: s.privateScore })) });
}, 180_000);
afterAll(() => database.drop());

function naive(limit: number) {
  const order = (key: "publicScore" | "privateScore") => (a: Sub, b: Sub) => b[key] - a[key] || a.createdAt.getTime() - b.createdAt.getTime();
  const entrants = [...names.keys()].flatMap((userId) => {
    const mine = subs.filter((s) => s.userId === userId && !s.disqualified);
    if (mine.length === 0) return [];
    const bestPublic = [...mine].sort(order("publicScore"))[0];
    const finals = mine.filter((s) => s.selected);
    const counted = finals.length > 0 ? finals : [...mine].sort(order("publicScore")).slice(0, limit);
    const bestPrivate = [...counted].sort(order("privateScore"))[0];
    return [{ userId, bestPublic, bestPrivate, entries: mine.length, last: new Date(Math.max(...mine.map((s) => s.createdAt.getTime()))) }];
  });
  const publicOrder = [...entrants].sort((a, b) => order("publicScore")(a.bestPublic, b.bestPublic));
  const privateOrder = [...entrants].sort((a, b) => order("privateScore")(a.bestPrivate, b.bestPrivate));
  const publicRank = new Map(publicOrder.map((e, i) => [e.userId, i + 1]));
  return { publicOrder, privateOrder, publicRank };
}

describe("a 4000-submission competition", () => {
  it("has the public board a naive implementation of the rules gives", async () => {
    const expected = naive(3);
    const rows = await publicLeaderboard(database.prisma, competition.id);
    expect(rows.length).toBe(STUDENTS);
    expect(rows.map((row) => [row.rank, row.entrant.id, row.entrant.name, row.score, row.entries, row.lastSubmissionAt.getTime()])).toEqual(
      expected.publicOrder.map((e, i) => [i + 1, e.userId, names.get(e.userId), e.bestPublic.publicScore, e.entries, e.last.getTime()]),
    );
  });

  it("has the private board a naive implementation of the rules gives", async () => {
    const expected = naive(3);
    const rows = await privateLeaderboard(database.prisma, competition.id, { now: AFTER_CLOSE });
    expect(rows.map((row) => [row.rank, row.entrant.id, row.score, row.publicRank, row.rankChange])).toEqual(
      expected.privateOrder.map((e, i) => [i + 1, e.userId, e.bestPrivate.privateScore, expected.publicRank.get(e.userId), expected.publicRank.get(e.userId)! - (i + 1)]),
    );
  });
});
