import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate, changePassword, createInstructor, JOIN_CODE_FAILURES_PER_ADDRESS, JOIN_CODE_FAILURES_PER_USER, joinCourse, signUp } from "@/lib/accounts/accounts";
import { hashPassword } from "@/lib/accounts/password";
import { DEFAULT_DEMO_PASSWORD, DEMO_COURSE_JOIN_CODE, lockPublishedDemoAccounts, seedDemo } from "@/lib/demo/seed";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";

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

describe("an email on a class list cannot be taken over by signing up", () => {
  it("refuses sign-up for an imported, password-less account and points to the claim link", async () => {
    const imported = await database.prisma.user.create({ data: { email: "roster@example.edu", name: "Roster Import", passwordHash: null } });
    await expect(signUp(database.prisma, { email: "roster@example.edu", name: "Mallory", password: "taking it over", joinCode: DEMO_COURSE_JOIN_CODE })).rejects.toThrow(/claim link/);
    const after = await database.prisma.user.findUniqueOrThrow({ where: { id: imported.id } });
    expect(after).toMatchObject({ passwordHash: null, name: "Roster Import" });
    expect(await database.prisma.enrollment.count({ where: { userId: imported.id } })).toBe(0);
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

  it("a classroom of 40 behind one NAT address signs in; spraying many emails from one address is stopped", async () => {
    const passwordHash = await hashPassword("class password 1");
    const emails = Array.from({ length: 40 }, (_, i) => `nat${i}@class.test`);
    await database.prisma.user.createMany({ data: emails.map((email, i) => ({ email, name: `Student ${i}`, passwordHash })) });
    const limits = { perEmail: 10, perAddress: 30 };
    const nat = "198.51.100.20";
    // Everybody signs in (a few typos first), twice over; only failures count, so nobody is locked out.
    for (let i = 0; i < 5; i++) expect(await authenticate(database.prisma, { email: emails[i], password: "typo password", clientAddress: nat }, limits)).toBeNull();
    for (const round of [1, 2]) {
      const results = await Promise.all(emails.map((email) => authenticate(database.prisma, { email, password: "class password 1", clientAddress: nat }, limits)));
      expect(results.filter(Boolean), `round ${round}`).toHaveLength(40);
    }
    // A sprayer: one password tried against many emails from one address.
    const sprayer = "198.51.100.66";
    let refusedAt = -1;
    for (let i = 0; i < 60 && refusedAt < 0; i++) {
      try {
        await authenticate(database.prisma, { email: emails[i % 40], password: "Winter2026!", clientAddress: sprayer }, limits);
      } catch (error) {
        expect(String(error)).toMatch(/Too many sign-in attempts/);
        refusedAt = i;
      }
    }
    expect(refusedAt).toBe(30);
    // Even a right password is refused from that address for the rest of the window; the NAT is unaffected.
    await expect(authenticate(database.prisma, { email: emails[0], password: "class password 1", clientAddress: sprayer }, limits)).rejects.toThrow(/Too many/);
    expect(await authenticate(database.prisma, { email: emails[0], password: "class password 1", clientAddress: nat }, limits)).not.toBeNull();
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

  it("changing or resetting a password moves the session version on (signing out old sessions)", async () => {
    const { user, password } = await createInstructor(database.prisma, { email: "versions@example.edu", name: "Versions" });
    const version = async () => (await database.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion;
    const v0 = await version();
    await changePassword(database.prisma, user.id, password, "my own password 1");
    expect(await version()).toBe(v0 + 1);
    await createInstructor(database.prisma, { email: "versions@example.edu", name: "Versions" });
    expect(await version()).toBe(v0 + 2);
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).mustChangePassword).toBe(true);
  });

  it("wrong join codes are limited per user and per address; right ones never count", async () => {
    const student = await database.prisma.user.create({ data: { email: "guesser@example.edu", name: "Guesser", passwordHash: null } });
    for (let i = 0; i < 3; i++) await joinCourse(database.prisma, student.id, DEMO_COURSE_JOIN_CODE, { clientAddress: "192.0.2.1" });
    for (let i = 0; i < JOIN_CODE_FAILURES_PER_USER; i++) {
      await expect(joinCourse(database.prisma, student.id, `GUESS-${i}`, { clientAddress: `192.0.2.${i + 2}` })).rejects.toThrow(/No course has this join code/);
    }
    await expect(joinCourse(database.prisma, student.id, DEMO_COURSE_JOIN_CODE, { clientAddress: "192.0.2.200" })).rejects.toThrow(/Too many wrong join codes/);
    // Per address: different (new) users from one address.
    const address = "192.0.2.250";
    for (let i = 0; i < JOIN_CODE_FAILURES_PER_ADDRESS; i++) {
      await expect(signUp(database.prisma, { email: `bot${i}@example.edu`, name: "Bot", password: "long enough", joinCode: `BOT-${i}` }, { clientAddress: address })).rejects.toThrow(/No course/);
    }
    await expect(signUp(database.prisma, { email: "bot-last@example.edu", name: "Bot", password: "long enough", joinCode: DEMO_COURSE_JOIN_CODE }, { clientAddress: address })).rejects.toThrow(/Too many wrong join codes/);
    expect(await signUp(database.prisma, { email: "human@example.edu", name: "Human", password: "long enough", joinCode: DEMO_COURSE_JOIN_CODE }, { clientAddress: "192.0.2.251" })).toMatchObject({ email: "human@example.edu" });
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

  it("started where others can reach it, demo accounts still on the published password are locked (last: it changes them)", async () => {
    const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    await changePassword(database.prisma, ada.id, DEFAULT_DEMO_PASSWORD, "ada changed it");
    const locked = await lockPublishedDemoAccounts(database.prisma);
    expect(locked.sort()).toEqual(["alan@holdout.test", "instructor@holdout.test"]);
    expect(await authenticate(database.prisma, { email: "instructor@holdout.test", password: DEFAULT_DEMO_PASSWORD }, 100)).toBeNull();
    expect(await authenticate(database.prisma, { email: "ada@holdout.test", password: "ada changed it" }, 100)).not.toBeNull();
  });
});
