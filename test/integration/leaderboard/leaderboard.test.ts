import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Competition, User } from "@/lib/db";
import { privateLeaderboard, publicLeaderboard, selectFinalSubmissions } from "@/lib/leaderboard";
import { removeStudent } from "@/lib/roster";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { AFTER_CLOSE, at, BEFORE_CLOSE, CLOSES, makeCompetition, makeCourse, makeStudent, scored } from "./fixtures";

let database: TestDatabase;
let competition: Competition;
let instructor: User;
const people: Record<string, User> = {};
const ids: Record<string, string> = {};
let teamId = "";

beforeAll(async () => {
  database = await createTestDatabase();
  const prisma = database.prisma;
  const made = await makeCourse(prisma);
  instructor = made.instructor;
  const courseId = made.course.id;
  competition = await makeCompetition(prisma, courseId, { maxFinalSelections: 2 });
  for (const name of ["Ada", "Alan", "Bea", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal"]) people[name] = await makeStudent(prisma, courseId, name);
  const team = await prisma.team.create({
    data: { competitionId: competition.id, name: "Gradient Gang", members: { create: [{ userId: people.Gus.id, competitionId: competition.id }, { userId: people.Hal.id, competitionId: competition.id }] } },
  });
  teamId = team.id;
  const c = competition.id;
  const add = async (key: string, userId: string, publicScore: number, privateScore: number, hours: number, extra: Partial<Parameters<typeof scored>[1]> = {}) => {
    ids[key] = (await scored(prisma, { competitionId: c, userId, publicScore, privateScore, createdAt: at(hours), ...extra })).id;
  };
  // Ada: no finals, so her best 2 public (s2 .95, s3 .93) count privately: best private .97.
  await add("ada1", people.Ada.id, 0.9, 0.88, 1);
  await add("ada2", people.Ada.id, 0.95, 0.91, 2);
  await add("ada3", people.Ada.id, 0.93, 0.97, 3);
  // Alan ties Ada's .95 later; his finals are a2 (.60 public, .99 private) and a3.
  await add("alan1", people.Alan.id, 0.95, 0.8, 5);
  await add("alan2", people.Alan.id, 0.6, 0.99, 6, { selectedForFinal: true });
  await add("alan3", people.Alan.id, 0.94, 0.85, 7, { selectedForFinal: true });
  // Bea: .97 twice; the earlier one is her best.
  await add("bea1", people.Bea.id, 0.97, 0.9, 4);
  await add("bea2", people.Bea.id, 0.97, 0.92, 8);
  // Cy: the brilliant one was disqualified.
  await add("cy1", people.Cy.id, 0.99, 0.7, 1, { disqualified: true });
  await add("cy2", people.Cy.id, 0.8, 0.82, 9);
  // Dee is removed from the course below; Eve only has a disqualified submission; Fay's is not scored yet.
  await add("dee1", people.Dee.id, 0.999, 0.999, 1);
  await add("eve1", people.Eve.id, 0.99, 0.99, 1, { disqualified: true });
  await add("fay1", people.Fay.id, 0.99, 0.99, 1, { status: "QUEUED" });
  await add("fay2", people.Fay.id, 0.99, 0.99, 2, { status: "FAILED" });
  // A team: one row, both members' submissions.
  await add("gus1", people.Gus.id, 0.96, 0.95, 8, { teamId });
  await add("hal1", people.Hal.id, 0.91, 0.96, 9, { teamId });
  // The instructor's baseline.
  await add("base1", instructor.id, 0.98, 0.93, 0.5, { isBaseline: true });
  await removeStudent(prisma, instructor.id, courseId, people.Dee.id);
});
afterAll(() => database.drop());

describe("public leaderboard", () => {
  it("ranks one row per entrant by best public score, ties to the earlier submission, baselines unranked", async () => {
    const rows = await publicLeaderboard(database.prisma, competition.id);
    expect(rows.map((row) => [row.rank, row.entrant.name, row.score, row.entries, row.isBaseline])).toEqual([
      [null, "Prof Grace", 0.98, 1, true],
      [1, "Bea", 0.97, 2, false],
      [2, "Gradient Gang", 0.96, 2, false],
      [3, "Ada", 0.95, 3, false],
      [4, "Alan", 0.95, 3, false],
      [5, "Cy", 0.8, 1, false],
    ]);
  });

  it("carries entrant ids, team members and the last submission time, and no emails", async () => {
    const rows = await publicLeaderboard(database.prisma, competition.id);
    const team = rows.find((row) => row.entrant.type === "team")!;
    expect(team.entrant).toEqual({ id: teamId, type: "team", name: "Gradient Gang", members: [{ id: people.Gus.id, name: "Gus" }, { id: people.Hal.id, name: "Hal" }] });
    expect(team.lastSubmissionAt).toEqual(at(9));
    const ada = rows.find((row) => row.entrant.name === "Ada")!;
    expect(ada.entrant).toEqual({ id: people.Ada.id, type: "user", name: "Ada", members: [{ id: people.Ada.id, name: "Ada" }] });
    expect(ada.lastSubmissionAt).toEqual(at(3));
    expect(JSON.stringify(rows)).not.toContain("@");
  });

  it("leaves out disqualified, unscored and unenrolled users' submissions", async () => {
    const rows = await publicLeaderboard(database.prisma, competition.id);
    const names = rows.map((row) => row.entrant.name);
    for (const hidden of ["Dee", "Eve", "Fay"]) expect(names).not.toContain(hidden);
    expect(rows.find((row) => row.entrant.name === "Cy")?.score).toBe(0.8);
  });

  it("is empty for a competition without scored submissions", async () => {
    const empty = await makeCompetition(database.prisma, competition.courseId);
    expect(await publicLeaderboard(database.prisma, empty.id)).toEqual([]);
  });

  it("says when the competition does not exist", async () => {
    await expect(publicLeaderboard(database.prisma, "nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("private leaderboard", () => {
  it("is refused before the close with the reveal time, and previewable by instructors", async () => {
    await expect(privateLeaderboard(database.prisma, competition.id, { now: BEFORE_CLOSE })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining(`The private leaderboard is revealed when the competition closes at ${CLOSES.toISOString()}`),
    });
    const preview = await privateLeaderboard(database.prisma, competition.id, { now: BEFORE_CLOSE, asInstructor: true });
    expect(preview.length).toBe(6);
  });

  it("uses selected finals, else the best N public, and reports the rank change", async () => {
    const rows = await privateLeaderboard(database.prisma, competition.id, { now: AFTER_CLOSE });
    expect(rows.map((row) => [row.rank, row.entrant.name, row.score, row.publicRank, row.rankChange, row.usedFinalSelections, row.isBaseline])).toEqual([
      [1, "Alan", 0.99, 4, 3, true, false],
      [2, "Ada", 0.97, 3, 1, false, false],
      [3, "Gradient Gang", 0.96, 2, -1, false, false],
      [null, "Prof Grace", 0.93, null, null, false, true],
      [4, "Bea", 0.92, 1, -3, false, false],
      [5, "Cy", 0.82, 5, 0, false, false],
    ]);
    expect(rows.find((row) => row.entrant.name === "Ada")?.publicScore).toBe(0.95);
  });

  it("ignores the rest of an entrant's submissions: Ada's best private (.97) counts only while it is in her best 2 public", async () => {
    const prisma = database.prisma;
    const extra = await scored(prisma, { competitionId: competition.id, userId: people.Ada.id, publicScore: 0.94, privateScore: 0.5, createdAt: at(10) });
    try {
      // Best 2 public are now .95 (private .91) and .94 (private .5): .97 no longer counts.
      const rows = await privateLeaderboard(prisma, competition.id, { now: AFTER_CLOSE });
      expect(rows.find((row) => row.entrant.name === "Ada")?.score).toBe(0.91);
    } finally {
      await prisma.submission.delete({ where: { id: extra.id } });
    }
  });

  it("falls back to the best public ones when every selected final was disqualified", async () => {
    const prisma = database.prisma;
    await prisma.submission.updateMany({ where: { id: { in: [ids.alan2, ids.alan3] } }, data: { disqualifiedAt: new Date() } });
    try {
      const rows = await privateLeaderboard(prisma, competition.id, { now: AFTER_CLOSE });
      const alan = rows.find((row) => row.entrant.name === "Alan")!;
      expect([alan.score, alan.usedFinalSelections, alan.entries]).toEqual([0.8, false, 1]);
    } finally {
      await prisma.submission.updateMany({ where: { id: { in: [ids.alan2, ids.alan3] } }, data: { disqualifiedAt: null } });
    }
  });

  it("breaks private ties by the earlier submission", async () => {
    const prisma = database.prisma;
    const tied = await makeCompetition(prisma, competition.courseId);
    await scored(prisma, { competitionId: tied.id, userId: people.Bea.id, publicScore: 0.9, privateScore: 0.95, createdAt: at(20) });
    await scored(prisma, { competitionId: tied.id, userId: people.Ada.id, publicScore: 0.8, privateScore: 0.95, createdAt: at(10) });
    await scored(prisma, { competitionId: tied.id, userId: people.Cy.id, publicScore: 0.9, privateScore: 0.6, createdAt: at(5) });
    const pub = await publicLeaderboard(prisma, tied.id);
    expect(pub.map((row) => [row.rank, row.entrant.name])).toEqual([[1, "Cy"], [2, "Bea"], [3, "Ada"]]);
    const priv = await privateLeaderboard(prisma, tied.id, { now: AFTER_CLOSE });
    expect(priv.map((row) => [row.rank, row.entrant.name, row.rankChange])).toEqual([[1, "Ada"], [2, "Bea"], [3, "Cy"]].map(([r, n]) => [r, n, { Ada: 2, Bea: 0, Cy: -2 }[n as string]]));
  });
});

describe("final selections", () => {
  it("replaces the selection, which the private board then uses", async () => {
    const prisma = database.prisma;
    const result = await selectFinalSubmissions(prisma, people.Ada.id, competition.id, [ids.ada1, ids.ada1], { now: BEFORE_CLOSE });
    expect(result).toEqual({ selected: [ids.ada1], limit: 2 });
    let ada = (await privateLeaderboard(prisma, competition.id, { now: AFTER_CLOSE })).find((row) => row.entrant.name === "Ada")!;
    expect([ada.score, ada.usedFinalSelections]).toEqual([0.88, true]);

    await selectFinalSubmissions(prisma, people.Ada.id, competition.id, [ids.ada2, ids.ada3], { now: BEFORE_CLOSE });
    const selected = await prisma.submission.findMany({ where: { userId: people.Ada.id, selectedForFinal: true }, select: { id: true } });
    expect(selected.map((s) => s.id).sort()).toEqual([ids.ada2, ids.ada3].sort());

    await selectFinalSubmissions(prisma, people.Ada.id, competition.id, [], { now: BEFORE_CLOSE });
    ada = (await privateLeaderboard(prisma, competition.id, { now: AFTER_CLOSE })).find((row) => row.entrant.name === "Ada")!;
    expect([ada.score, ada.usedFinalSelections]).toEqual([0.97, false]);
  });

  it("refuses more than maxFinalSelections", async () => {
    await expect(selectFinalSubmissions(database.prisma, people.Ada.id, competition.id, [ids.ada1, ids.ada2, ids.ada3], { now: BEFORE_CLOSE })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "You can select at most 2 final submissions; you chose 3. Unselect 1 and try again.",
    });
  });

  it("refuses someone else's, unscored and disqualified submissions, and leaves the selection as it was", async () => {
    const prisma = database.prisma;
    await selectFinalSubmissions(prisma, people.Ada.id, competition.id, [ids.ada3], { now: BEFORE_CLOSE });
    await expect(selectFinalSubmissions(prisma, people.Ada.id, competition.id, [ids.ada1, ids.bea1], { now: BEFORE_CLOSE })).rejects.toThrow(/is not one of your submissions in this competition/);
    await expect(selectFinalSubmissions(prisma, people.Fay.id, competition.id, [ids.fay1], { now: BEFORE_CLOSE })).rejects.toThrow(/is queued, not scored; only scored submissions can be final. Wait until it is scored/);
    await expect(selectFinalSubmissions(prisma, people.Fay.id, competition.id, [ids.fay2], { now: BEFORE_CLOSE })).rejects.toThrow(/is failed, not scored.*Pick another one/);
    await expect(selectFinalSubmissions(prisma, people.Cy.id, competition.id, [ids.cy1], { now: BEFORE_CLOSE })).rejects.toThrow(/was disqualified/);
    const selected = await prisma.submission.findMany({ where: { userId: people.Ada.id, selectedForFinal: true }, select: { id: true } });
    expect(selected.map((s) => s.id)).toEqual([ids.ada3]);
    await selectFinalSubmissions(prisma, people.Ada.id, competition.id, [], { now: BEFORE_CLOSE });
  });

  it("is locked once the competition closes", async () => {
    await expect(selectFinalSubmissions(database.prisma, people.Ada.id, competition.id, [ids.ada1], { now: CLOSES })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining(`closed at ${CLOSES.toISOString()}`),
    });
  });

  it("lets a team member select a teammate's submission, for the whole team", async () => {
    const prisma = database.prisma;
    await selectFinalSubmissions(prisma, people.Gus.id, competition.id, [ids.hal1], { now: BEFORE_CLOSE });
    const team = (await privateLeaderboard(prisma, competition.id, { now: AFTER_CLOSE })).find((row) => row.entrant.type === "team")!;
    expect([team.score, team.usedFinalSelections]).toEqual([0.96, true]);
    await expect(selectFinalSubmissions(prisma, people.Hal.id, competition.id, [ids.gus1, ids.hal1, ids.ada1], { now: BEFORE_CLOSE })).rejects.toThrow(/at most 2/);
    await expect(selectFinalSubmissions(prisma, people.Hal.id, competition.id, [ids.ada1], { now: BEFORE_CLOSE })).rejects.toThrow(/not one of your team's submissions/);
    await selectFinalSubmissions(prisma, people.Hal.id, competition.id, [], { now: BEFORE_CLOSE });
  });

  it("is not available to people outside the course", async () => {
    await expect(selectFinalSubmissions(database.prisma, people.Dee.id, competition.id, [ids.dee1], { now: BEFORE_CLOSE })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
