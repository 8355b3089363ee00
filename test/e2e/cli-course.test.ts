/** Issue 13: `holdout create-admin` and `holdout course create` against a real database. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/accounts/password";
import { createInstructor } from "@/lib/accounts/accounts";
import { runHoldout } from "@/test/helpers/cli";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await database?.drop();
});

function holdout(args: string[]) {
  return runHoldout(args, { env: { DATABASE_URL: database.url }, timeoutMs: 120_000 });
}

describe("holdout CLI: administrators and courses", () => {
  it("create-admin makes a site administrator with a one-time password that must be changed", { timeout: 150_000 }, async () => {
    const result = await holdout(["create-admin", "--email", "Root@Example.edu", "--name", "Ada Admin"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Created administrator Ada Admin <root@example.edu>");
    const password = /One-time password: (\S+)/.exec(result.stdout)?.[1];
    expect(password).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
    const admin = await database.prisma.user.findUniqueOrThrow({ where: { email: "root@example.edu" } });
    expect(admin).toMatchObject({ role: "ADMIN", mustChangePassword: true });
    expect(await verifyPassword(admin.passwordHash!, password!)).toBe(true);
    expect(await database.prisma.enrollment.count({ where: { userId: admin.id } })).toBe(0);
  });

  it("course create prints the course id and its join code, and makes the instructor its instructor", { timeout: 150_000 }, async () => {
    await createInstructor(database.prisma, { email: "grace@example.edu", name: "Grace Hopper" });
    const result = await holdout(["course", "create", "--name", "Deep Learning", "--term", "Fall 2026", "--instructor", "grace@example.edu"]);
    expect(result.code, result.stderr).toBe(0);
    const id = /Course id: (\S+)/.exec(result.stdout)?.[1];
    const joinCode = /Join code: (\S+)/.exec(result.stdout)?.[1];
    const course = await database.prisma.course.findUniqueOrThrow({ where: { id }, include: { enrollments: { include: { user: true } } } });
    expect(course).toMatchObject({ name: "Deep Learning", term: "Fall 2026", joinCode, joinEnabled: true, archivedAt: null });
    expect(course.enrollments).toMatchObject([{ role: "INSTRUCTOR", user: { email: "grace@example.edu" } }]);

    const unknown = await holdout(["course", "create", "--name", "X", "--instructor", "nobody@example.edu"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("holdout create-instructor");
    const student = await database.prisma.user.create({ data: { email: "stu@example.edu", name: "Stu" } });
    const notInstructor = await holdout(["course", "create", "--name", "X", "--instructor", student.email]);
    expect(notInstructor.code).toBe(1);
    expect(notInstructor.stderr).toMatch(/Only instructor accounts can create courses/);
  });
});
