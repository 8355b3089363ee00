import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Competition, User } from "@/lib/db";
import { gradesCsv, gradeTable } from "@/lib/grading";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { at, CLOSES, DAY, makeCompetition, makeCourse, makeStudent, scored } from "@/test/integration/leaderboard/fixtures";

let database: TestDatabase;
let competition: Competition;
const people: Record<string, User> = {};
const ids: Record<string, string> = {};
const after = (days: number) => new Date(CLOSES.getTime() + days * DAY);

beforeAll(async () => {
  database = await createTestDatabase();
  const prisma = database.prisma;
  const { course, instructor } = await makeCourse(prisma);
  competition = await makeCompetition(prisma, course.id, {
    maxFinalSelections: 2,
    gradingScheme: { kind: "linear", baseline: 0.9, target: 0.99, maxPoints: 100 },
    latePolicy: { kind: "penalty", perDayFraction: 0.1, maxDays: 3 },
  });
  for (const [name, number] of [["Ada", "S-1"], ["Bob", null], ["Cy", "S-3"], ["Dee", null], ["Eve", null], ["Fay", null], ["Gus", null], ["Hal", null]] as const) {
    people[name] = await makeStudent(prisma, course.id, name, { studentNumber: number ?? undefined, email: `${name.toLowerCase()}@example.edu` });
  }
  const zed = await prisma.user.create({ data: { email: "zed@example.edu", name: "Zed" } });
  const team = await prisma.team.create({
    data: { competitionId: competition.id, name: "Team G", members: { create: [{ userId: people.Gus.id, competitionId: competition.id }, { userId: people.Hal.id, competitionId: competition.id }] } },
  });
  const c = competition.id;
  const add = async (key: string, userId: string, publicScore: number, privateScore: number, createdAt: Date, extra: Partial<Parameters<typeof scored>[1]> = {}) => {
    ids[key] = (await scored(prisma, { competitionId: c, userId, publicScore, privateScore, createdAt, ...extra })).id;
  };
  await add("ada1", people.Ada.id, 0.95, 0.945, at(1), { selectedForFinal: true });
  await add("ada2", people.Ada.id, 0.97, 0.99, at(2));
  await add("bob1", people.Bob.id, 0.96, 0.936, at(1));
  await add("bob2", people.Bob.id, 0.8, 0.99, at(2));
  await add("bob3", people.Bob.id, 0.9, 0.5, at(3));
  await add("dee1", people.Dee.id, 0.99, 0.99, after(1.5), { isLate: true });
  await add("eve1", people.Eve.id, 0.97, 0.972, at(1));
  await add("eve2", people.Eve.id, 0.98, 0.99, after(2.5), { isLate: true });
  await add("fay1", people.Fay.id, 0.98, 0.98, after(4.5), { isLate: true });
  await add("gus1", people.Gus.id, 0.9, 0.954, at(4), { teamId: team.id });
  await add("prof", instructor.id, 0.999, 0.999, at(0), { isBaseline: true });
  await add("zed1", zed.id, 0.999, 0.999, at(0));
});
afterAll(() => database.drop());

describe("grade table", () => {
  it("grades every enrolled student from the private board, with late penalties and notes", async () => {
    const rows = await gradeTable(database.prisma, competition.id);
    // best: over all scored submissions; final: the selected finals' (or best N public) that rank them.
    expect(rows.map((r) => [r.name, r.studentNumber, r.bestPrivateScore, r.finalPrivateScore, r.privateRank, r.points, r.lateDays, r.gradedSubmissionId, r.teamName])).toEqual([
      ["Ada", "S-1", 0.99, 0.945, 5, 50, 0, ids.ada1, null],
      ["Bob", null, 0.99, 0.936, 6, 40, 0, ids.bob1, null],
      ["Cy", "S-3", null, null, null, 0, 0, null, null],
      ["Dee", null, 0.99, 0.99, 1, 80, 2, ids.dee1, null],
      ["Eve", null, 0.99, 0.99, 2, 80, 0, ids.eve1, null],
      ["Fay", null, 0.98, 0.98, 3, 0, 5, ids.fay1, null],
      ["Gus", null, 0.954, 0.954, 4, 60, 0, ids.gus1, "Team G"],
      ["Hal", null, 0.954, 0.954, 4, 60, 0, ids.gus1, "Team G"],
    ]);
    const notes = Object.fromEntries(rows.map((r) => [r.name, r.note]));
    expect(notes.Ada).toBeNull();
    expect(notes.Bob).toBe("No final selection: graded on the best 2 public submissions.");
    expect(notes.Cy).toBe("No scored submission: 0 points.");
    expect(notes.Dee).toContain("Submitted 2 days late: 80 % of the points kept.");
    expect(notes.Eve).toContain(`Graded on submission ${ids.eve1} (private score 0.972), which earns more points after the late penalty than the best-scoring one.`);
    expect(notes.Fay).toContain("Submitted 5 days late, more than the 3 accepted: 0 points.");
    expect(rows.find((r) => r.name === "Ada")?.email).toBe("ada@example.edu");
  });

  it("exports the LMS CSV", async () => {
    const csv = gradesCsv(await gradeTable(database.prisma, competition.id));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("student_id,email,name,best_private_score,final_private_score,grade,note");
    expect(lines[1]).toBe("S-1,ada@example.edu,Ada,0.99,0.945,50,");
    expect(lines[2]).toBe(",bob@example.edu,Bob,0.99,0.936,40,No student number on the course roster: match this student by email. No final selection: graded on the best 2 public submissions.");
    expect(lines[3]).toBe("S-3,cy@example.edu,Cy,,,0,No scored submission: 0 points.");
    expect(csv).not.toContain(people.Bob.id);
    expect(lines.length).toBe(10);
  });

  it("uses a thresholds scheme, and gives late work nothing under the none policy", async () => {
    const prisma = database.prisma;
    await prisma.competition.update({
      where: { id: competition.id },
      data: { gradingScheme: { kind: "thresholds", thresholds: [{ minScore: 0.94, points: 6 }, { minScore: 0.95, points: 8 }, { minScore: 0.98, points: 10 }] }, latePolicy: { kind: "none" } },
    });
    const rows = Object.fromEntries((await gradeTable(prisma, competition.id)).map((r) => [r.name, r]));
    expect([rows.Ada.points, rows.Bob.points, rows.Dee.points, rows.Eve.points, rows.Gus.points]).toEqual([6, 0, 0, 8, 8]);
    expect(rows.Dee.note).toContain("accepts no late work");
    await prisma.competition.update({ where: { id: competition.id }, data: { latePolicy: {} } });
    expect((await gradeTable(prisma, competition.id)).find((r) => r.name === "Dee")?.points).toBe(0);
  });

  it("refuses to grade without a valid grading scheme, saying where to set it", async () => {
    const empty = await makeCompetition(database.prisma, competition.courseId, { gradingScheme: {} });
    await expect(gradeTable(database.prisma, empty.id)).rejects.toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining("Set one in the competition settings") });
  });
});
