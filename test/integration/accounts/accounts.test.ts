import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate, changePassword, createInstructor, joinCourse, signUp } from "../../../lib/accounts/accounts";
import { DEFAULT_DEMO_PASSWORD, DEMO_COURSE_JOIN_CODE, seedDemo } from "../../../lib/demo/seed";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
});
afterAll(() => database.drop());

describe("sign-up with a join code", () => {
  it("creates a student enrolled in the code's course, case-insensitive code and email", async () => {
    const user = await signUp(database.prisma, { email: " Bob@Example.EDU ", name: "Bob", password: "correct horse", joinCode: "deep-learning" });
    expect(user).toMatchObject({ email: "bob@example.edu", role: "STUDENT" });
    const enrollments = await database.prisma.enrollment.findMany({ where: { userId: user.id }, include: { course: true } });
    expect(enrollments.map((e) => [e.course.joinCode, e.role])).toEqual([[DEMO_COURSE_JOIN_CODE, "STUDENT"]]);
    const stored = await database.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("refuses an unknown code, a short password and a taken email with words that say what to do", async () => {
    await expect(signUp(database.prisma, { email: "x@example.edu", name: "X", password: "long enough", joinCode: "NOPE-1234" })).rejects.toThrow(/No course has this join code/);
    await expect(signUp(database.prisma, { email: "x@example.edu", name: "X", password: "short", joinCode: DEMO_COURSE_JOIN_CODE })).rejects.toThrow(/at least 8 characters/);
    await expect(signUp(database.prisma, { email: "ada@holdout.test", name: "Ada", password: "long enough", joinCode: DEMO_COURSE_JOIN_CODE })).rejects.toThrow(/already exists. Sign in/);
    expect(await database.prisma.user.count({ where: { email: "x@example.edu" } })).toBe(0);
  });
});

describe("claiming an account imported with the roster", () => {
  it("sets the password of a password-less account and enrolls it", async () => {
    const imported = await database.prisma.user.create({ data: { email: "roster@example.edu", name: "Roster Import", passwordHash: null } });
    const user = await signUp(database.prisma, { email: "roster@example.edu", name: "Rosa", password: "my own password", joinCode: DEMO_COURSE_JOIN_CODE });
    expect(user.id).toBe(imported.id);
    expect(await authenticate(database.prisma, { email: "roster@example.edu", password: "my own password" }, 10)).not.toBeNull();
    await expect(signUp(database.prisma, { email: "roster@example.edu", name: "Mallory", password: "taking it over", joinCode: DEMO_COURSE_JOIN_CODE })).rejects.toThrow(/already exists/);
  });
});

describe("sign-in", () => {
  it("accepts the right password and says nothing about which part was wrong", async () => {
    const ok = await authenticate(database.prisma, { email: "ada@holdout.test", password: DEFAULT_DEMO_PASSWORD }, 10);
    expect(ok?.email).toBe("ada@holdout.test");
    expect(await authenticate(database.prisma, { email: "ada@holdout.test", password: "wrong password" }, 10)).toBeNull();
    expect(await authenticate(database.prisma, { email: "nobody@holdout.test", password: "wrong password" }, 10)).toBeNull();
  });

  it("rate-limits guesses per email and per address, for known and unknown emails alike", async () => {
    for (const email of ["alan@holdout.test", "ghost@holdout.test"]) {
      for (let attempt = 0; attempt < 3; attempt++) {
        expect(await authenticate(database.prisma, { email, password: "guess" }, 3)).toBeNull();
      }
      await expect(authenticate(database.prisma, { email, password: DEFAULT_DEMO_PASSWORD }, 3)).rejects.toThrow(/Too many sign-in attempts/);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      await authenticate(database.prisma, { email: `spray${attempt}@holdout.test`, password: "guess", clientAddress: "203.0.113.9" }, 3);
    }
    await expect(authenticate(database.prisma, { email: "instructor@holdout.test", password: DEFAULT_DEMO_PASSWORD, clientAddress: "203.0.113.9" }, 3)).rejects.toThrow(/Too many/);
  });
});

describe("instructor accounts and passwords", () => {
  it("create-instructor makes an instructor with a one-time password that must be changed", async () => {
    const { user, password, created } = await createInstructor(database.prisma, { email: "prof@example.edu", name: "Prof" });
    expect(created).toBe(true);
    expect(user.role).toBe("INSTRUCTOR");
    expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await authenticate(database.prisma, { email: "prof@example.edu", password }, 10)).toMatchObject({ role: "INSTRUCTOR" });
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).mustChangePassword).toBe(true);

    await expect(changePassword(database.prisma, user.id, "not it", "a new password")).rejects.toThrow(/current password is not right/);
    await changePassword(database.prisma, user.id, password, "a new password");
    expect(await authenticate(database.prisma, { email: "prof@example.edu", password: "a new password" }, 10)).not.toBeNull();
    expect(await authenticate(database.prisma, { email: "prof@example.edu", password }, 10)).toBeNull();
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).mustChangePassword).toBe(false);
  });

  it("joining a second course by code is idempotent", async () => {
    await database.prisma.course.create({ data: { name: "Vision", joinCode: "VISION-2026" } });
    const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    await joinCourse(database.prisma, ada.id, "vision-2026");
    await joinCourse(database.prisma, ada.id, "VISION-2026");
    expect(await database.prisma.enrollment.count({ where: { userId: ada.id } })).toBe(2);
  });
});

describe("demo seed", () => {
  it("is idempotent", async () => {
    const before = await Promise.all([database.prisma.user.count(), database.prisma.course.count(), database.prisma.competition.count()]);
    await seedDemo(database.prisma, { password: "another password", availableDatasets: ["mnist"] });
    const after = await Promise.all([database.prisma.user.count(), database.prisma.course.count(), database.prisma.competition.count()]);
    expect(after).toEqual(before);
    expect(await authenticate(database.prisma, { email: "instructor@holdout.test", password: DEFAULT_DEMO_PASSWORD }, 100)).not.toBeNull();
  });
});
