/**
 * When private results are revealed to students (privateRevealAt in lib/submissions/late.ts): not
 * at the close while late uploads or extensions are still accepted, since a student with time left
 * would otherwise get private-split feedback. Staff see them throughout. Real embedded database;
 * the submission views read the real clock, so the competition's times are set around now.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Competition, Submission, User } from "@/lib/db";
import { privateRevealFor } from "@/lib/competitions/access";
import { setExtension } from "@/lib/competitions/extensions";
import { privateLeaderboard } from "@/lib/leaderboard";
import { privateRevealAt, privateRevealed } from "@/lib/submissions/late";
import { ownSubmissions, submissionForViewer } from "@/lib/submissions/queries";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { DAY, HOUR, makeCompetition, makeCourse, makeStudent, scored } from "./fixtures";

let database: TestDatabase;
let instructor: User;
let ta: User;
let ada: User;
let bob: User;
let competition: Competition;
let submission: Submission;
let closesAt: Date;

const LATE = { kind: "penalty", perDayFraction: 0.2, maxDays: 2 } as const;
const privateMetrics = { examples: 7000, accuracy: 0.96, loss: 0.12, ece: 0.01, confusion: [[3500, 100], [180, 3220]], perClass: [] };

beforeAll(async () => {
  database = await createTestDatabase();
  const made = await makeCourse(database.prisma);
  instructor = made.instructor;
  ta = await makeStudent(database.prisma, made.course.id, "Tess Assistant");
  await database.prisma.enrollment.update({ where: { userId_courseId: { userId: ta.id, courseId: made.course.id } }, data: { role: "TA" } });
  ada = await makeStudent(database.prisma, made.course.id, "Ada");
  bob = await makeStudent(database.prisma, made.course.id, "Bob");
  // Closed one day ago; late uploads are accepted for two days after the close.
  closesAt = new Date(Date.now() - DAY);
  competition = await makeCompetition(database.prisma, made.course.id, { opensAt: new Date(closesAt.getTime() - 10 * DAY), closesAt, latePolicy: LATE });
  submission = await scored(database.prisma, { competitionId: competition.id, userId: ada.id, publicScore: 0.97, privateScore: 0.96, createdAt: new Date(closesAt.getTime() - HOUR) });
  await database.prisma.report.create({ data: { submissionId: submission.id, metrics: { ...privateMetrics, accuracy: 0.97 }, privateMetrics } });
}, 120_000);
afterAll(() => database?.drop());

/** What a viewer gets of Ada's submission, and of her own list. */
async function adaSees() {
  const view = await submissionForViewer(database.prisma, submission.id, ada.id);
  const own = await ownSubmissions(database.prisma, competition.slug, ada.id);
  return { view, own: own.find((row) => row.id === submission.id)! };
}

async function setCloses(at: Date) {
  closesAt = at;
  competition = await database.prisma.competition.update({ where: { id: competition.id }, data: { closesAt: at, opensAt: new Date(at.getTime() - 10 * DAY) } });
}

describe("the rule", () => {
  it("is the latest deadline anyone has, plus the late period when late uploads are accepted", () => {
    const close = new Date("2026-03-15T00:00:00Z");
    const none = { closesAt: close, latePolicy: { kind: "none" } };
    const late = { closesAt: close, latePolicy: LATE };
    expect(privateRevealAt(none)).toEqual(close);
    expect(privateRevealAt(late)).toEqual(new Date(close.getTime() + 2 * DAY));
    // An extension moves the reveal to its end (no late policy), or to its end plus the late period.
    const extension = { closesAt: new Date(close.getTime() + 5 * DAY) };
    expect(privateRevealAt(none, [extension, { closesAt: new Date(close.getTime() + DAY) }])).toEqual(extension.closesAt);
    expect(privateRevealAt(late, [null, extension])).toEqual(new Date(close.getTime() + 7 * DAY));
    // An extension that ends before the close changes nothing.
    expect(privateRevealAt(late, [{ closesAt: new Date(close.getTime() - DAY) }])).toEqual(new Date(close.getTime() + 2 * DAY));
    expect(privateRevealed(late, [], new Date(close.getTime() + 2 * DAY - 1))).toBe(false);
    expect(privateRevealed(late, [], new Date(close.getTime() + 2 * DAY))).toBe(true);
  });
});

describe("private results with a late period of two days", () => {
  it("one day after the close: students get no private board, score or metrics; staff see them", async () => {
    const revealAt = new Date(closesAt.getTime() + 2 * DAY);
    expect(await privateRevealFor(database.prisma, competition)).toEqual({ at: revealAt, revealed: false, afterClose: true });

    await expect(privateLeaderboard(database.prisma, competition.id)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining(`The private leaderboard is revealed on ${revealAt.toISOString()}, after the late period and any extensions end`),
    });

    const { view, own } = await adaSees();
    expect(view.competition).toMatchObject({ closed: true, privateRevealed: false, privateRevealAt: revealAt });
    expect(view.score).toMatchObject({ public: 0.97, private: null, privateLoss: null, privateInterval: null });
    expect(view.report?.metrics?.accuracy).toBe(0.97);
    expect(view.report?.privateMetrics).toBeNull();
    expect(own).toMatchObject({ publicScore: 0.97, privateScore: null });

    // Staff: the board (as the pages and the API ask for it) and the private numbers of the report.
    const board = await privateLeaderboard(database.prisma, competition.id, { asInstructor: true });
    expect(board.map((row) => [row.entrant.id, row.score])).toEqual([[ada.id, 0.96]]);
    for (const staff of [instructor, ta]) {
      const staffView = await submissionForViewer(database.prisma, submission.id, staff.id);
      expect(staffView.score).toMatchObject({ public: 0.97, private: 0.96 });
      expect(staffView.report?.privateMetrics?.accuracy).toBe(0.96);
      expect(staffView.competition.privateRevealed).toBe(false);
    }
  });

  it("after the late period: revealed to students", async () => {
    // The board at the reveal time itself, and everything once the close is three days past.
    const revealAt = new Date(closesAt.getTime() + 2 * DAY);
    await expect(privateLeaderboard(database.prisma, competition.id, { now: new Date(revealAt.getTime() - 1) })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await privateLeaderboard(database.prisma, competition.id, { now: revealAt })).map((row) => row.score)).toEqual([0.96]);

    await setCloses(new Date(Date.now() - 3 * DAY));
    expect((await privateRevealFor(database.prisma, competition)).revealed).toBe(true);
    expect((await privateLeaderboard(database.prisma, competition.id)).map((row) => [row.entrant.id, row.score])).toEqual([[ada.id, 0.96]]);
    const { view, own } = await adaSees();
    expect(view.competition.privateRevealed).toBe(true);
    expect(view.score).toMatchObject({ public: 0.97, private: 0.96 });
    expect(view.report?.privateMetrics?.accuracy).toBe(0.96);
    expect(own).toMatchObject({ publicScore: 0.97, privateScore: 0.96 });
  });

  it("an extension beyond the late period pushes the reveal to its end plus the late period", async () => {
    // Closed three days ago (late period over); Bob's extension runs one more day from now.
    const extensionEnd = new Date(Date.now() + DAY);
    await setExtension(database.prisma, instructor.id, competition.id, { userId: bob.id, closesAt: extensionEnd.toISOString(), reason: "illness" });
    const revealAt = new Date(extensionEnd.getTime() + 2 * DAY);
    expect(await privateRevealFor(database.prisma, competition)).toEqual({ at: revealAt, revealed: false, afterClose: true });

    // Every student waits (Ada too: Bob could otherwise learn the private split from her report).
    await expect(privateLeaderboard(database.prisma, competition.id)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining(`revealed on ${revealAt.toISOString()}`),
    });
    const { view, own } = await adaSees();
    expect(view.competition).toMatchObject({ privateRevealed: false, privateRevealAt: revealAt });
    expect(view.score).toMatchObject({ private: null, privateLoss: null, privateInterval: null });
    expect(view.report?.privateMetrics).toBeNull();
    expect(own.privateScore).toBeNull();
    expect((await submissionForViewer(database.prisma, submission.id, instructor.id)).score?.private).toBe(0.96);

    await expect(privateLeaderboard(database.prisma, competition.id, { now: new Date(revealAt.getTime() - 1) })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await privateLeaderboard(database.prisma, competition.id, { now: revealAt })).map((row) => row.score)).toEqual([0.96]);
  });
});
