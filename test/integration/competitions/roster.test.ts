import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Course, User } from "@/lib/db";
import { gradeTable } from "@/lib/grading";
import { importRoster, removeStudent } from "@/lib/roster";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { at, makeCompetition, makeCourse, makeStudent, scored } from "@/test/integration/leaderboard/fixtures";

let database: TestDatabase;
let course: Course;
let instructor: User;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ course, instructor } = await makeCourse(database.prisma));
});
afterAll(() => database.drop());

describe("roster import", () => {
  it("creates and enrolls students, reports bad lines by line number and writes nothing for them", async () => {
    const prisma = database.prisma;
    // Known before the import: one user outside the course, one student already in it.
    const existing = await prisma.user.create({ data: { email: "grace@example.edu", name: "Grace Hopper", passwordHash: "x" } });
    const enrolled = await makeStudent(prisma, course.id, "Alan", { email: "alan@example.edu" });
    const csv = [
      "\uFEFFEmail,Name,Student ID", // 1
      "ada@example.edu,\"Lovelace, Ada\",S-001", // 2
      "", // 3
      "not-an-email,Bad Email,S-002", // 4
      "bob@example.edu,,S-003", // 5
      "\"cy@example.edu\",\"Cy", // 6: a name over two lines
      "Young\",S-004", // 7
      " Grace@Example.EDU ,Someone Else,S-005", // 8
      "alan@example.edu,Alan,", // 9
      "ADA@example.edu,Ada Again,S-006", // 10
      "dee@example.edu,Dee,S-007,extra", // 11
      `${instructor.email},The Prof,`, // 12
      "eve@example.edu,Eve,", // 13
      "", // 14
    ].join("\r\n");
    const result = await importRoster(prisma, instructor.id, course.id, csv);
    expect(result).toEqual({
      created: 3,
      enrolled: 3,
      alreadyEnrolled: 2,
      pending: ["grace@example.edu"],
      instructorsSkipped: [],
      errors: [
        { line: 4, message: '"not-an-email" is not a valid email address. Fix it, like ada@example.edu.' },
        { line: 5, message: "The name of bob@example.edu is missing. Every line needs an email and a name." },
        { line: 10, message: "ada@example.edu is already on line 2. List each student once." },
        { line: 11, message: 'This line has 4 fields but the header has 3. Put a name that contains a comma in double quotes, like "Lovelace, Ada".' },
      ],
    });
    const ada = await prisma.user.findUniqueOrThrow({ where: { email: "ada@example.edu" }, include: { enrollments: true } });
    expect(ada).toMatchObject({ name: "Lovelace, Ada", studentNumber: "S-001", passwordHash: null, role: "STUDENT" });
    expect(ada.enrollments.map((e) => [e.courseId, e.role])).toEqual([[course.id, "STUDENT"]]);
    expect(await prisma.user.findUnique({ where: { email: "cy@example.edu" } })).toMatchObject({ name: "Cy\r\nYoung", studentNumber: "S-004" });
    expect(await prisma.user.findUnique({ where: { email: "eve@example.edu" } })).toMatchObject({ studentNumber: null });
    // An existing account with a password keeps its name, password and number, and is not enrolled
    // but pending (its claim link accepts it), with the list's name and number for this course.
    expect(await prisma.user.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({ name: "Grace Hopper", passwordHash: "x", studentNumber: null });
    expect(await prisma.enrollment.count({ where: { userId: existing.id, courseId: course.id } })).toBe(0);
    expect(await prisma.pendingEnrollment.findUniqueOrThrow({ where: { userId_courseId: { userId: existing.id, courseId: course.id } } })).toMatchObject({ rosterName: "Someone Else", studentNumber: "S-005" });
    expect(await prisma.enrollment.count({ where: { userId: enrolled.id } })).toBe(1);
    // The instructor stays an instructor.
    expect((await prisma.enrollment.findUniqueOrThrow({ where: { userId_courseId: { userId: instructor.id, courseId: course.id } } })).role).toBe("INSTRUCTOR");
    // Bad lines wrote nothing.
    expect(await prisma.user.count({ where: { email: { in: ["bob@example.edu", "dee@example.edu", "not-an-email"] } } })).toBe(0);

    const [audit] = await prisma.auditLog.findMany({ where: { action: "roster.import" } });
    expect(audit).toMatchObject({ actorId: instructor.id, courseId: course.id, targetType: "Course", targetId: course.id, details: { created: 3, enrolled: 3, alreadyEnrolled: 2, pending: 1, instructorsSkipped: 0, errors: 4, rows: 10 } });
  });

  it("is idempotent", async () => {
    const result = await importRoster(database.prisma, instructor.id, course.id, "email,name\nada@example.edu,Ada\n");
    expect(result).toEqual({ created: 0, enrolled: 0, alreadyEnrolled: 1, pending: [], instructorsSkipped: [], errors: [] });
  });

  it("takes the columns in any order and LF or CR line ends", async () => {
    const result = await importRoster(database.prisma, instructor.id, course.id, "name,email\rFay,fay@example.edu\r");
    expect(result).toEqual({ created: 1, enrolled: 1, alreadyEnrolled: 0, pending: [], instructorsSkipped: [], errors: [] });
  });

  it("refuses a file without the header, an empty file, an unclosed quote, and non-instructors", async () => {
    const prisma = database.prisma;
    await expect(importRoster(prisma, instructor.id, course.id, "zed@example.edu,Zed\n")).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining('The first line must be the header "email,name" or "email,name,student_id"'),
    });
    await expect(importRoster(prisma, instructor.id, course.id, "\uFEFF\r\n\r\n")).rejects.toThrow(/The file is empty/);
    expect(await importRoster(prisma, instructor.id, course.id, 'email,name\nhal@example.edu,Hal\nian@example.edu,"Ian\n')).toMatchObject({
      created: 1,
      errors: [{ line: 3, message: expect.stringContaining("never closed") }],
    });
    const student = await prisma.user.findUniqueOrThrow({ where: { email: "ada@example.edu" } });
    await expect(importRoster(prisma, student.id, course.id, "email,name\nx@example.edu,X\n")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await prisma.user.count({ where: { email: { in: ["zed@example.edu", "x@example.edu"] } } })).toBe(0);
  });
});

describe("removing a student", () => {
  it("unenrolls them, keeps their submissions, hides them from grades, and audits it", async () => {
    const prisma = database.prisma;
    const competition = await makeCompetition(prisma, course.id);
    const ada = await prisma.user.findUniqueOrThrow({ where: { email: "ada@example.edu" } });
    const submission = await scored(prisma, { competitionId: competition.id, userId: ada.id, publicScore: 0.95, privateScore: 0.95, createdAt: at(1) });
    expect((await gradeTable(prisma, competition.id)).some((row) => row.userId === ada.id)).toBe(true);

    await removeStudent(prisma, instructor.id, course.id, ada.id);
    expect(await prisma.enrollment.count({ where: { userId: ada.id, courseId: course.id } })).toBe(0);
    expect(await prisma.submission.count({ where: { id: submission.id } })).toBe(1);
    expect((await gradeTable(prisma, competition.id)).some((row) => row.userId === ada.id)).toBe(false);
    const [audit] = await prisma.auditLog.findMany({ where: { action: "roster.remove" } });
    expect(audit).toMatchObject({ actorId: instructor.id, courseId: course.id, targetType: "User", targetId: ada.id, details: { email: "ada@example.edu", name: "Lovelace, Ada" } });

    await expect(removeStudent(prisma, instructor.id, course.id, ada.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(removeStudent(prisma, instructor.id, course.id, instructor.id)).rejects.toThrow(/cannot remove yourself/);
    const coTeacher = await prisma.user.create({ data: { email: "co@example.edu", name: "Co Teacher", role: "INSTRUCTOR", enrollments: { create: { courseId: course.id, role: "INSTRUCTOR" } } } });
    await expect(removeStudent(prisma, instructor.id, course.id, coTeacher.id)).rejects.toThrow(/is an instructor of this course/);
    const fay = await prisma.user.findUniqueOrThrow({ where: { email: "fay@example.edu" } });
    await expect(removeStudent(prisma, fay.id, course.id, coTeacher.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
