/**
 * Course staff changes in the library on a real database: removing a co-instructor or TA,
 * changing a member's course role, and the guard that a course keeps at least one instructor.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addStaff, changeMemberRole, courseStaff, createCourse, removeStaff } from "@/lib/courses/courses";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";

let database: TestDatabase;
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [key, email, role] of [
    ["grace", "grace@uni.test", "INSTRUCTOR"],
    ["cora", "cora@uni.test", "INSTRUCTOR"],
    ["tara", "tara@uni.test", "STUDENT"],
    ["ada", "ada@uni.test", "STUDENT"],
    ["olga", "olga@uni.test", "INSTRUCTOR"],
  ] as const) {
    ids[key] = (await database.prisma.user.create({ data: { email, name: key, role } })).id;
  }
});
afterAll(() => database?.drop());

const roleOf = async (courseId: string, userId: string) => (await database.prisma.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } }))?.role ?? null;

describe("course staff: remove and change roles", () => {
  it("changes roles and removes staff, keeps at least one instructor, and lets only the course's instructors do it", async () => {
    const prisma = database.prisma;
    const course = await createCourse(prisma, ids.grace, { name: "Deep Learning" });
    await addStaff(prisma, ids.grace, course.id, { email: "cora@uni.test", role: "INSTRUCTOR" });
    await addStaff(prisma, ids.grace, course.id, { email: "tara@uni.test", role: "TA" });
    await prisma.enrollment.create({ data: { userId: ids.ada, courseId: course.id, role: "STUDENT" } });

    // Only the course's instructors: the TA and a student are refused, another course's instructor sees no course.
    await expect(removeStaff(prisma, ids.tara, course.id, ids.cora)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(changeMemberRole(prisma, ids.ada, course.id, ids.ada, "TA")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(changeMemberRole(prisma, ids.olga, course.id, ids.tara, "INSTRUCTOR")).rejects.toMatchObject({ code: "NOT_FOUND" });

    // A student becomes a TA; a TA without an instructor account cannot be a co-instructor; a TA goes back to student.
    expect(await changeMemberRole(prisma, ids.grace, course.id, ids.ada, "ta")).toMatchObject({ role: "TA" });
    await expect(changeMemberRole(prisma, ids.grace, course.id, ids.tara, "INSTRUCTOR")).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("not an instructor account") });
    await expect(changeMemberRole(prisma, ids.grace, course.id, ids.tara, "OWNER")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await changeMemberRole(prisma, ids.grace, course.id, ids.ada, "STUDENT")).toMatchObject({ role: "STUDENT" });
    expect(await roleOf(course.id, ids.ada)).toBe("STUDENT");

    // Students are not removed here (the roster does that).
    await expect(removeStaff(prisma, ids.grace, course.id, ids.ada)).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Roster") });

    // The co-instructor becomes a TA, then is removed; the TA is removed.
    expect(await changeMemberRole(prisma, ids.grace, course.id, ids.cora, "TA")).toMatchObject({ role: "TA" });
    await removeStaff(prisma, ids.grace, course.id, ids.cora);
    await removeStaff(prisma, ids.grace, course.id, ids.tara);
    expect((await courseStaff(prisma, ids.grace, course.id)).map((m) => m.email)).toEqual(["grace@uni.test"]);
    expect(await roleOf(course.id, ids.cora)).toBeNull();
    // Their accounts stay.
    expect(await prisma.user.count({ where: { id: { in: [ids.cora, ids.tara] } } })).toBe(2);

    // The last instructor can neither be demoted nor removed, even by themself.
    await expect(changeMemberRole(prisma, ids.grace, course.id, ids.grace, "TA")).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("at least one instructor") });
    await expect(removeStaff(prisma, ids.grace, course.id, ids.grace)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await roleOf(course.id, ids.grace)).toBe("INSTRUCTOR");

    // With a second instructor, the first may step down.
    await addStaff(prisma, ids.grace, course.id, { email: "cora@uni.test", role: "INSTRUCTOR" });
    await removeStaff(prisma, ids.grace, course.id, ids.grace);
    expect(await roleOf(course.id, ids.grace)).toBeNull();
    expect(await prisma.auditLog.count({ where: { courseId: course.id, action: "course.staff.remove" } })).toBe(3);
  });

  it("two instructors removing each other at the same moment leave one of them", async () => {
    const prisma = database.prisma;
    const course = await createCourse(prisma, ids.olga, { name: "Race" });
    await prisma.enrollment.create({ data: { userId: ids.grace, courseId: course.id, role: "INSTRUCTOR" } });
    const results = await Promise.allSettled([removeStaff(prisma, ids.olga, course.id, ids.grace), removeStaff(prisma, ids.grace, course.id, ids.olga)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma.enrollment.count({ where: { courseId: course.id, role: "INSTRUCTOR" } })).toBe(1);
  });
});
