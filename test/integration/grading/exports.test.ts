/**
 * The CSV exports through their route handlers (real database, bearer tokens): the leaderboard
 * CSV's default board, and the grades CSV in Holdout's, Canvas's and Moodle's layouts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as gradesGet } from "@/app/api/v1/competitions/[slug]/grades.csv/route";
import { GET as boardGet } from "@/app/api/v1/competitions/[slug]/leaderboard.csv/route";
import type { Competition, User } from "@/lib/db";
import { parseCsv } from "@/lib/roster/csv";
import { createApiToken } from "@/lib/tokens/tokens";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { DAY, makeCompetition, makeCourse, makeStudent, scored } from "@/test/integration/leaderboard/fixtures";

let database: TestDatabase;
let closed: Competition;
let open: Competition;
const people: Record<string, User> = {};
const tokens: Record<string, string> = {};
const ago = (days: number) => new Date(Date.now() - days * DAY);

beforeAll(async () => {
  database = await createTestDatabase();
  const prisma = database.prisma;
  const { course, instructor } = await makeCourse(prisma);
  // Dates relative to now: one competition closed yesterday, the other closes in a month.
  closed = await makeCompetition(prisma, course.id, {
    title: "MNIST digits",
    opensAt: ago(30),
    closesAt: ago(1),
    maxFinalSelections: 1,
    gradingScheme: { kind: "linear", baseline: 0.9, target: 0.99, maxPoints: 10 },
  });
  open = await makeCompetition(prisma, course.id, { opensAt: ago(30), closesAt: ago(-30) });
  people.Ada = await makeStudent(prisma, course.id, "Ada", { studentNumber: "S-1", email: "ada@example.edu" });
  people.Bob = await makeStudent(prisma, course.id, "Bob", { email: "bob@example.edu" });
  // The course roster's number wins over the user's own.
  await prisma.enrollment.update({ where: { userId_courseId: { userId: people.Bob.id, courseId: course.id } }, data: { studentNumber: "R-2" } });
  people.Cy = await makeStudent(prisma, course.id, "Cy", { email: "cy@example.edu" });
  // Ada selects the weaker submission: best private 0.99, final (ranking) private 0.945, rank 2.
  await scored(prisma, { competitionId: closed.id, userId: people.Ada.id, publicScore: 0.95, privateScore: 0.945, createdAt: ago(20), selectedForFinal: true });
  await scored(prisma, { competitionId: closed.id, userId: people.Ada.id, publicScore: 0.97, privateScore: 0.99, createdAt: ago(19) });
  // Bob: one submission, private 0.972 (rank 1), public 0.93 (public rank 2 behind Ada's 0.97).
  await scored(prisma, { competitionId: closed.id, userId: people.Bob.id, publicScore: 0.93, privateScore: 0.972, createdAt: ago(18) });
  await scored(prisma, { competitionId: open.id, userId: people.Ada.id, publicScore: 0.9, privateScore: 0.9, createdAt: ago(2) });
  for (const [name, userId] of [["instructor", instructor.id], ["ada", people.Ada.id]] as const) tokens[name] = (await createApiToken(prisma, userId, `${name} token`)).token;
});
afterAll(() => database.drop());

type Route = typeof gradesGet;
async function get(route: Route, who: string, slug: string, query = ""): Promise<{ status: number; text: string; fileName: string | null }> {
  const request = new Request(`http://localhost/api/v1/competitions/${slug}/x.csv${query}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
  const response = await route(request, { params: Promise.resolve({ slug }) });
  return { status: response.status, text: await response.text(), fileName: /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? null };
}
const rows = (text: string) => parseCsv(text).records.map((record) => record.fields);

describe("leaderboard CSV", () => {
  it("is the private board after the close, the public one on request", async () => {
    const byDefault = await get(boardGet, "instructor", closed.slug);
    expect(byDefault.status).toBe(200);
    expect(byDefault.fileName).toBe(`${closed.slug}-private-leaderboard.csv`);
    const privateRows = rows(byDefault.text);
    expect(privateRows[0]).toEqual(["rank", "name", "type", "members", "score", "entries", "last_submission_at", "baseline", "public_rank", "public_score", "rank_change", "late_penalty", "score_low", "score_high"]);
    expect(privateRows.slice(1).map((r) => [r[0], r[1], r[4], r[8]])).toEqual([["1", "Bob", "0.972", "2"], ["2", "Ada", "0.945", "1"]]);

    const publicBoard = await get(boardGet, "instructor", closed.slug, "?board=public");
    expect(publicBoard.fileName).toBe(`${closed.slug}-public-leaderboard.csv`);
    expect(rows(publicBoard.text).slice(1).map((r) => [r[0], r[1], r[4]])).toEqual([["1", "Ada", "0.97"], ["2", "Bob", "0.93"]]);
    expect(rows(publicBoard.text)[0]).not.toContain("rank_change");
  });

  it("is the public board before the close (the private one for staff on request)", async () => {
    const byDefault = await get(boardGet, "instructor", open.slug);
    expect(byDefault.fileName).toBe(`${open.slug}-public-leaderboard.csv`);
    expect(rows(byDefault.text)[0]).not.toContain("rank_change");
    expect((await get(boardGet, "instructor", open.slug, "?board=private")).fileName).toBe(`${open.slug}-private-leaderboard.csv`);
    expect((await get(boardGet, "instructor", open.slug, "?board=final")).status).toBe(400);
  });
});

describe("grades CSV", () => {
  it("has separate best and final private scores, and never an internal id in student_id", async () => {
    const { status, text, fileName } = await get(gradesGet, "instructor", closed.slug);
    expect(status).toBe(200);
    expect(fileName).toBe(`${closed.slug}-grades.csv`);
    // Ada's grade comes from her selected final (0.945 -> 5 of 10 points), not her best (0.99).
    expect(rows(text)).toEqual([
      ["student_id", "email", "name", "best_private_score", "final_private_score", "grade", "note"],
      ["S-1", "ada@example.edu", "Ada", "0.99", "0.945", "5", ""],
      ["R-2", "bob@example.edu", "Bob", "0.972", "0.972", "8", "No final selection: graded on the best 1 public submission."],
      ["", "cy@example.edu", "Cy", "", "", "0", "No student number on the course roster: match this student by email. No scored submission: 0 points."],
    ]);
    for (const user of Object.values(people)) expect(text).not.toContain(user.id);
  });

  it("writes Canvas's gradebook import layout: the five identity columns, the assignment, and the Points Possible row", async () => {
    const { status, text, fileName } = await get(gradesGet, "instructor", closed.slug, "?format=canvas");
    expect(status).toBe(200);
    expect(fileName).toBe(`${closed.slug}-grades-canvas.csv`);
    expect(text).toBe(
      "Student,ID,SIS User ID,SIS Login ID,Section,MNIST digits\r\n" +
        "Points Possible,,,,,10\r\n" +
        "Ada,,S-1,ada@example.edu,,5\r\n" +
        "Bob,,R-2,bob@example.edu,,8\r\n" +
        "Cy,,,cy@example.edu,,0\r\n",
    );
  });

  it("writes Moodle's CSV grade import layout: ID number and Email address to map users, one column per grade item", async () => {
    const { status, text, fileName } = await get(gradesGet, "instructor", closed.slug, "?format=moodle");
    expect(status).toBe(200);
    expect(fileName).toBe(`${closed.slug}-grades-moodle.csv`);
    expect(text).toBe("ID number,Email address,MNIST digits\r\n" + "S-1,ada@example.edu,5\r\n" + "R-2,bob@example.edu,8\r\n" + ",cy@example.edu,0\r\n");
  });

  it("refuses an unknown format", async () => {
    const { status, text } = await get(gradesGet, "instructor", closed.slug, "?format=blackboard");
    expect(status).toBe(400);
    expect(text).toContain("?format=canvas");
  });
});

describe("who may download", () => {
  it("gives a student of the course 403 for every export", async () => {
    for (const [route, query] of [
      [boardGet, ""],
      [boardGet, "?board=public"],
      [boardGet, "?board=private"],
      [gradesGet, ""],
      [gradesGet, "?format=canvas"],
      [gradesGet, "?format=moodle"],
    ] as const) {
      for (const competition of [closed, open]) {
        const { status, text } = await get(route, "ada", competition.slug, query);
        expect(status, `${competition.slug}${query}`).toBe(403);
        expect(text).not.toContain("ada@example.edu");
      }
    }
  });
});
