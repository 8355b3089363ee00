/**
 * Issue 13, part 1: a real course set up through the REST API alone, from an empty database.
 * An instructor creates a course, adds a co-instructor and a TA, imports a class list, creates a
 * competition; the TA reads grades but changes nothing (403); the course's join code can be
 * regenerated and switched off, and an archived course takes no new competitions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/accounts/password";
import { joinCourse } from "@/lib/accounts/accounts";
import { createApiToken } from "@/lib/tokens/tokens";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { client } from "@/test/integration/api/helpers";

let database: TestDatabase;
let server: TestServer;
const people = ["instructor", "coInstructor", "ta", "student", "outsider"] as const;
type Who = (typeof people)[number];
const users = {} as Record<Who, { id: string; email: string; token: string }>;

beforeAll(async () => {
  database = await createTestDatabase();
  const passwordHash = await hashPassword("a long test password");
  for (const who of people) {
    const role = who === "instructor" || who === "coInstructor" ? "INSTRUCTOR" : "STUDENT";
    const user = await database.prisma.user.create({ data: { email: `${who.toLowerCase()}@course.test`, name: `The ${who}`, role, passwordHash } });
    users[who] = { id: user.id, email: user.email, token: (await createApiToken(database.prisma, user.id, "test")).token };
  }
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "10000" } });
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

const as = (who: Who) => client(server.url, users[who].token);
async function send(who: Who, method: string, pathname: string, body?: unknown) {
  const response = await fetch(`${server.url}${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${users[who].token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* CSV */
  }
  return { status: response.status, body: parsed };
}

describe("course set-up through the API", () => {
  let courseId = "";
  let joinCode = "";
  const slug = "api-course-mnist";

  it("an instructor creates a course (201, with its join code); a student account may not (403)", async () => {
    const created = await send("instructor", "POST", "/api/v1/courses", { name: "Deep Learning", term: "Fall 2026" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.course).toMatchObject({ name: "Deep Learning", term: "Fall 2026", role: "INSTRUCTOR", archived: false, joinEnabled: true });
    expect(created.body.course.joinCode).toMatch(/^DL-[A-Z0-9]{6}$/);
    courseId = created.body.course.id;
    joinCode = created.body.course.joinCode;

    const refused = await send("student", "POST", "/api/v1/courses", { name: "My own course" });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("FORBIDDEN");
    const invalid = await send("instructor", "POST", "/api/v1/courses", { name: "" });
    expect(invalid.status).toBe(400);
    expect(await database.prisma.course.count()).toBe(1);
  });

  it("adds a co-instructor and a TA; a student account cannot be a co-instructor", async () => {
    const ta = await send("instructor", "POST", `/api/v1/courses/${courseId}/staff`, { email: users.ta.email, role: "TA" });
    expect(ta.status, JSON.stringify(ta.body)).toBe(201);
    expect(ta.body.member).toMatchObject({ email: users.ta.email, role: "TA" });
    const co = await send("instructor", "POST", `/api/v1/courses/${courseId}/staff`, { email: users.coInstructor.email, role: "instructor" });
    expect(co.status).toBe(201);
    const notInstructor = await send("instructor", "POST", `/api/v1/courses/${courseId}/staff`, { email: users.student.email, role: "INSTRUCTOR" });
    expect(notInstructor.status).toBe(400);
    const unknown = await send("instructor", "POST", `/api/v1/courses/${courseId}/staff`, { email: "nobody@course.test", role: "TA" });
    expect(unknown.status).toBe(404);
    const staff = await as("ta").get(`/api/v1/courses/${courseId}/staff`);
    expect(staff.body.staff.map((m: { role: string }) => m.role).sort()).toEqual(["INSTRUCTOR", "INSTRUCTOR", "TA"]);
  });

  it("imports the class list as CSV (reusing the roster import)", async () => {
    const csv = "email,name,student_id\nnew.student@course.test,New Student,S-1\nbad-line,No Email,S-2\n";
    const imported = await send("instructor", "POST", `/api/v1/courses/${courseId}/roster`, csv);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.roster).toMatchObject({ created: 1, enrolled: 1 });
    expect(imported.body.roster.errors).toHaveLength(1);
    expect(imported.body.roster.errors[0].line).toBe(3);
    const enrolled = await database.prisma.user.findUniqueOrThrow({ where: { email: "new.student@course.test" }, include: { enrollments: true } });
    expect(enrolled.enrollments).toMatchObject([{ courseId, role: "STUDENT", studentNumber: "S-1" }]);
  });

  it("creates a competition in the course (201); the course's join code lets a student in", async () => {
    const now = Date.now();
    const created = await send("coInstructor", "POST", `/api/v1/courses/${courseId}/competitions`, {
      slug,
      title: "Digits",
      datasetId: "mnist",
      opensAt: new Date(now - 3600_000).toISOString(),
      closesAt: new Date(now + 7 * 24 * 3600_000).toISOString(),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.competition).toMatchObject({ slug, title: "Digits", dataset: "mnist", phase: "open", role: "instructor" });
    await joinCourse(database.prisma, users.student.id, joinCode);
    const competitions = await as("student").get("/api/v1/competitions");
    expect(competitions.body.competitions.map((c: { slug: string }) => c.slug)).toEqual([slug]);
  });

  it("GET /api/v1/courses gives the join code to the course's staff only", async () => {
    for (const who of ["instructor", "coInstructor", "ta"] as const) {
      const list = await as(who).get("/api/v1/courses");
      expect(list.status).toBe(200);
      expect(list.body.courses).toEqual([expect.objectContaining({ id: courseId, joinCode })]);
    }
    const student = await as("student").get("/api/v1/courses");
    expect(student.body.courses).toHaveLength(1);
    expect(student.body.courses[0]).not.toHaveProperty("joinCode");
    expect(JSON.stringify(student.body)).not.toContain(joinCode);
    expect((await as("outsider").get("/api/v1/courses")).body.courses).toEqual([]);
    expect((await as("outsider").get(`/api/v1/courses/${courseId}`)).status).toBe(404);
  });

  it("a TA reads grades, the private leaderboard and all submissions, but changes no setting (403)", async () => {
    expect((await send("ta", "GET", `/api/v1/competitions/${slug}/grades.csv`)).status).toBe(200);
    expect((await send("ta", "GET", `/api/v1/competitions/${slug}/leaderboard?board=private`)).status).toBe(200);
    expect((await send("student", "GET", `/api/v1/competitions/${slug}/grades.csv`)).status).toBe(403);
    const attempts = [
      await send("ta", "PATCH", `/api/v1/courses/${courseId}`, { regenerateJoinCode: true }),
      await send("ta", "POST", `/api/v1/courses/${courseId}/staff`, { email: users.student.email, role: "TA" }),
      await send("ta", "POST", `/api/v1/courses/${courseId}/roster`, "email,name\nsneaky@course.test,Sneaky\n"),
      await send("ta", "POST", `/api/v1/courses/${courseId}/competitions`, { slug: "ta-comp", title: "TA's", datasetId: "mnist" }),
      await send("ta", "PUT", `/api/v1/competitions/${slug}/test-set`, "x"),
      await send("student", "PATCH", `/api/v1/courses/${courseId}`, { joinEnabled: false }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status, JSON.stringify(attempt.body)).toBe(403);
      expect(attempt.body.error).toBe("FORBIDDEN");
    }
    const course = await database.prisma.course.findUniqueOrThrow({ where: { id: courseId } });
    expect(course.joinCode).toBe(joinCode);
    expect(await database.prisma.competition.count()).toBe(1);
    expect(await database.prisma.user.count({ where: { email: "sneaky@course.test" } })).toBe(0);
  });

  it("the join code is regenerated (the old one stops working) and switched off; an archived course takes no competitions", async () => {
    const regenerated = await send("coInstructor", "PATCH", `/api/v1/courses/${courseId}`, { regenerateJoinCode: true });
    expect(regenerated.status).toBe(200);
    const fresh = regenerated.body.course.joinCode;
    expect(fresh).not.toBe(joinCode);
    await expect(joinCourse(database.prisma, users.outsider.id, joinCode)).rejects.toMatchObject({ code: "NOT_FOUND" });

    expect((await send("instructor", "PATCH", `/api/v1/courses/${courseId}`, { joinEnabled: false })).body.course.joinEnabled).toBe(false);
    await expect(joinCourse(database.prisma, users.outsider.id, fresh)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await send("instructor", "PATCH", `/api/v1/courses/${courseId}`, { joinEnabled: true })).status).toBe(200);

    const archived = await send("instructor", "PATCH", `/api/v1/courses/${courseId}`, { archived: true });
    expect(archived.body.course.archived).toBe(true);
    const refused = await send("instructor", "POST", `/api/v1/courses/${courseId}/competitions`, { slug: "late-comp", title: "Late", datasetId: "mnist" });
    expect(refused.status).toBe(409);
    await expect(joinCourse(database.prisma, users.outsider.id, fresh)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const audit = await database.prisma.auditLog.findMany({ where: { courseId }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["course.create", "course.staff", "roster.import", "competition.create", "course.update", "course.archive"]));
    // The join code itself (a credential) is never written to the audit log.
    expect(JSON.stringify(await database.prisma.auditLog.findMany())).not.toContain(fresh);
  });
});
