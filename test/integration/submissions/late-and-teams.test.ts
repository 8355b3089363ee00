/**
 * Admission (lib/submissions/admission.ts) with teams, the late period and extensions: real
 * uploads of a fixture model through createSubmission (sandboxed check included) on the embedded
 * database, and the decision itself at chosen times.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Competition, Course, User } from "@/lib/db";
import { setExtension } from "@/lib/competitions/extensions";
import { competitionForUser } from "@/lib/competitions/access";
import { gradeTable } from "@/lib/grading";
import { submissionAdmission } from "@/lib/submissions/admission";
import { createSubmission } from "@/lib/submissions/create-submission";
import { createTeam, joinTeam, leaveTeam, teamOf } from "@/lib/teams/teams";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";
import { CLOSES, DAY, HOUR, makeCompetition, makeCourse, makeStudent, scored } from "@/test/integration/leaderboard/fixtures";

let database: TestDatabase;
let course: Course;
let instructor: User;
let files: Array<{ name: string; data: Uint8Array }>;
const people: Record<string, User> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  ({ course, instructor } = await makeCourse(database.prisma));
  for (const name of ["Ada", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus"]) people[name] = await makeStudent(database.prisma, course.id, name);
  files = await fixtureModelFiles(FIXTURE_MODELS.keras2H5Mnist.dir);
}, 120_000);
afterAll(() => database?.drop());

const after = (days: number) => new Date(CLOSES.getTime() + days * DAY);
const upload = (competition: Competition, user: User, now: Date) =>
  createSubmission(database.prisma, { userId: user.id, competitionSlug: competition.slug, kind: "weights", preprocessing: "raw", files, now });
const admission = async (competition: Competition, user: User, now: Date) =>
  submissionAdmission(database.prisma, await competitionForUser(database.prisma, competition.slug, user.id), user.id, { now });

describe("the late period", () => {
  it("accepts uploads after the close with the penalty fixed at upload, refuses them after the late period, and grades them with it", { timeout: 180_000 }, async () => {
    const competition = await makeCompetition(database.prisma, course.id, { latePolicy: { kind: "penalty", perDay: 0.2, maxDays: 2 }, dailyLimit: 10 });
    // Before the close: on time.
    expect((await admission(competition, people.Ada, after(-0.5))).late).toEqual({ status: "on-time", days: 0, penalty: 0 });
    // 1.5 days late: the second started day, 40 % off.
    const late = await upload(competition, people.Ada, after(1.5));
    expect(late.submission).toMatchObject({ isLate: true, latePenalty: 0.4, teamId: null });
    // At the close itself: the first started day.
    expect((await admission(competition, people.Ada, CLOSES)).late).toEqual({ status: "late", days: 1, penalty: 0.2 });
    // After the 2 accepted days: refused, with both times in the message.
    const over = await admission(competition, people.Ada, after(2));
    expect(over.refusal).toMatchObject({ reason: "closed", code: "FORBIDDEN" });
    expect(over.refusal?.message).toContain(`late uploads were accepted until ${after(2).toISOString()}`);
    await expect(upload(competition, people.Ada, after(2.1))).rejects.toMatchObject({ code: "FORBIDDEN" });

    // The grade: the score's points less the stored 40 % (the stored penalty wins over a later policy change).
    await database.prisma.score.create({ data: { submissionId: late.submission.id, publicScore: 0.99, privateScore: 0.99 } });
    await database.prisma.submission.update({ where: { id: late.submission.id }, data: { status: "SCORED" } });
    await database.prisma.competition.update({ where: { id: competition.id }, data: { latePolicy: { kind: "penalty", perDayFraction: 0.5, maxDays: 2 } } });
    const ada = (await gradeTable(database.prisma, competition.id)).find((row) => row.userId === people.Ada.id)!;
    expect(ada).toMatchObject({ points: 60, latePenalty: 0.4, gradedSubmissionId: late.submission.id });
    expect(ada.note).toContain("Uploaded late: 40 % off");
  });

  it("refuses every upload after the close under the none policy", async () => {
    const competition = await makeCompetition(database.prisma, course.id, { latePolicy: { kind: "none" } });
    const refused = await admission(competition, people.Ada, after(0.01));
    expect(refused.refusal?.message).toBe(`This competition closed at ${CLOSES.toISOString()}; it takes no more submissions.`);
    // The stored {} default means "none" too.
    const defaulted = await makeCompetition(database.prisma, course.id, { latePolicy: {} });
    expect((await admission(defaulted, people.Ada, after(0.01))).refusal?.reason).toBe("closed");
  });
});

describe("extensions", () => {
  it("make uploads before the extension's end on time (no penalty) for that student or team only; the late period starts after it", { timeout: 180_000 }, async () => {
    const competition = await makeCompetition(database.prisma, course.id, { latePolicy: { kind: "penalty", perDayFraction: 0.1, maxDays: 1 }, teamSizeLimit: 2, teamMergeDeadline: after(-1), dailyLimit: 10 });
    const team = await createTeam(database.prisma, people.Cy.id, competition.id, "Cy and Dee", { now: after(-3) });
    await joinTeam(database.prisma, people.Dee.id, competition.id, team.inviteCode, { now: after(-3) });

    // Only the course's instructors grant extensions, and only past the close.
    await expect(setExtension(database.prisma, people.Bob.id, competition.id, { userId: people.Ada.id, closesAt: after(3).toISOString() })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(setExtension(database.prisma, instructor.id, competition.id, { userId: people.Ada.id, closesAt: after(-1).toISOString() })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const granted = await setExtension(database.prisma, instructor.id, competition.id, { email: people.Ada.email.toUpperCase(), closesAt: after(3).toISOString(), reason: "illness" });
    expect(granted).toMatchObject({ user: { id: people.Ada.id }, team: null, reason: "illness" });
    await setExtension(database.prisma, instructor.id, competition.id, { teamId: team.id, closesAt: after(2).toISOString() });

    // Ada: on time within her extension; Bob (none) is late at the same moment.
    const onTime = await upload(competition, people.Ada, after(2.5));
    expect(onTime.submission).toMatchObject({ isLate: false, latePenalty: null });
    expect((await admission(competition, people.Bob, after(0.5))).late).toMatchObject({ status: "late", penalty: 0.1 });
    // Her late period starts at the extension's end.
    const adaLate = await admission(competition, people.Ada, after(3.5));
    expect(adaLate.late).toEqual({ status: "late", days: 1, penalty: 0.1 });
    expect(adaLate.deadline.extension).toMatchObject({ reason: "illness", forTeam: false });
    expect((await admission(competition, people.Ada, after(4))).refusal?.message).toContain(`Your deadline was ${after(3).toISOString()}`);
    // The team's extension covers both members.
    const teamUpload = await upload(competition, people.Dee, after(1.5));
    expect(teamUpload.submission).toMatchObject({ isLate: false, latePenalty: null, teamId: team.id });
    expect((await admission(competition, people.Cy, after(1.9))).late.status).toBe("on-time");
  });
});

describe("teams", () => {
  it("form before the team deadline, join by code, share the invite only with members, and are fixed after the deadline", async () => {
    const competition = await makeCompetition(database.prisma, course.id, { teamSizeLimit: 3, teamMergeDeadline: after(-2) });
    const solo = await makeCompetition(database.prisma, course.id, { teamSizeLimit: 1 });
    await expect(createTeam(database.prisma, people.Ada.id, solo.id, "Nope", { now: after(-5) })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("individual work") });
    await expect(createTeam(database.prisma, instructor.id, competition.id, "Staff", { now: after(-5) })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const team = await createTeam(database.prisma, people.Ada.id, competition.id, "  Gradient   Descenders ", { now: after(-5) });
    expect(team).toMatchObject({ name: "Gradient Descenders", members: [{ id: people.Ada.id, name: "Ada" }] });
    expect(team.inviteCode).toMatch(/^T-[A-Z2-9]{10}$/);
    await expect(createTeam(database.prisma, people.Bob.id, competition.id, "Gradient Descenders", { now: after(-5) })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(createTeam(database.prisma, people.Ada.id, competition.id, "Another", { now: after(-5) })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already in a team") });
    await expect(joinTeam(database.prisma, people.Bob.id, competition.id, "T-WRONGCODE2", { now: after(-5) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The code as typed: lower case, without the prefix.
    const joined = await joinTeam(database.prisma, people.Bob.id, competition.id, team.inviteCode!.slice(2).toLowerCase(), { now: after(-5) });
    expect(joined.members.map((m) => m.name)).toEqual(["Ada", "Bob"]);
    expect((await teamOf(database.prisma, competition.id, people.Bob.id))?.id).toBe(team.id);

    await leaveTeam(database.prisma, people.Bob.id, competition.id, { now: after(-4) });
    expect(await teamOf(database.prisma, competition.id, people.Bob.id)).toBeNull();
    // After the team deadline nothing changes.
    await expect(joinTeam(database.prisma, people.Bob.id, competition.id, team.inviteCode, { now: after(-1) })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("team deadline") });
    await expect(leaveTeam(database.prisma, people.Ada.id, competition.id, { now: after(-1) })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // The last member leaving a team without submissions removes it.
    expect(await leaveTeam(database.prisma, people.Ada.id, competition.id, { now: after(-3) })).toMatchObject({ deleted: true });
  });

  it("enforces the size limit when students race for the last place", async () => {
    const competition = await makeCompetition(database.prisma, course.id, { teamSizeLimit: 2 });
    const team = await createTeam(database.prisma, people.Ada.id, competition.id, "Race", { now: after(-5) });
    const racers = [people.Bob, people.Cy, people.Dee, people.Eve, people.Fay, people.Gus];
    const results = await Promise.allSettled(racers.map((user) => joinTeam(database.prisma, user.id, competition.id, team.inviteCode, { now: after(-5) })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("is full") });
    expect(await database.prisma.teamMember.count({ where: { teamId: team.id } })).toBe(2);
  });

  it("share one daily limit (also when two members race for the last upload), carry the team id, and get the team's grade", { timeout: 240_000 }, async () => {
    const competition = await makeCompetition(database.prisma, course.id, { teamSizeLimit: 3, dailyLimit: 2, opensAt: after(-10), closesAt: after(10) });
    const now = new Date(after(-1).getTime() + 2 * HOUR);
    const team = await createTeam(database.prisma, people.Eve.id, competition.id, "Shared", { now });
    await joinTeam(database.prisma, people.Fay.id, competition.id, team.inviteCode, { now });

    const first = await upload(competition, people.Eve, now);
    expect(first.submission.teamId).toBe(team.id);
    expect(first.remainingToday).toBe(1);
    expect((await admission(competition, people.Fay, now)).left).toBe(1);
    const race = await Promise.allSettled([upload(competition, people.Eve, now), upload(competition, people.Fay, now)]);
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((race.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({ code: "RATE_LIMITED" });
    // Another student's count is their own.
    expect((await admission(competition, people.Gus, now)).left).toBe(2);

    // Grades: every member gets the team's grade, whoever uploaded.
    await database.prisma.score.create({ data: { submissionId: first.submission.id, publicScore: 0.98, privateScore: 0.981 } });
    await database.prisma.submission.update({ where: { id: first.submission.id }, data: { status: "SCORED" } });
    await scored(database.prisma, { competitionId: competition.id, userId: people.Gus.id, publicScore: 0.95, privateScore: 0.945, createdAt: now });
    const rows = Object.fromEntries((await gradeTable(database.prisma, competition.id)).map((row) => [row.name, row]));
    expect(rows.Eve).toMatchObject({ points: 90, teamName: "Shared", gradedSubmissionId: first.submission.id });
    expect(rows.Fay).toMatchObject({ points: 90, teamName: "Shared", gradedSubmissionId: first.submission.id });
    expect(rows.Gus).toMatchObject({ points: 50, teamName: null });
  });
});
