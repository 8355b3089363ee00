import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate, signUp } from "@/lib/accounts/accounts";
import { acceptClaim, claimAccount, CLAIM_LINK_DAYS, createClaimLinks, inspectClaim } from "@/lib/accounts/claim";
import type { Course, User } from "@/lib/db";
import { gradeTable } from "@/lib/grading";
import { importRoster } from "@/lib/roster";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { makeCompetition, makeCourse } from "@/test/integration/leaderboard/fixtures";

let database: TestDatabase;
let courseA: Course;
let profA: User;
let courseB: Course;
let profB: User;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ course: courseA, instructor: profA } = await makeCourse(database.prisma, "Course A"));
  ({ course: courseB, instructor: profB } = await makeCourse(database.prisma, "Course B"));
});
afterAll(() => database.drop());

const tokenOf = (path: string) => new URL(path, "http://x").searchParams.get("token")!;

describe("claim links for students on a class list", () => {
  it("set the password once; an expired, wrong or used link is refused; only the hash is stored", async () => {
    const prisma = database.prisma;
    await importRoster(prisma, profA.id, courseA.id, "email,name,student_id\nrosa@example.edu,Rosa Roster,S-1\nhal@example.edu,Hal Later,S-2\n");
    const links = await createClaimLinks(prisma, profA.id, courseA.id);
    expect(links.map((l) => [l.email, l.kind])).toEqual([
      ["hal@example.edu", "set-password"],
      ["rosa@example.edu", "set-password"],
    ]);
    const rosa = links.find((l) => l.email === "rosa@example.edu")!;
    const token = tokenOf(rosa.path);
    expect(await prisma.claimToken.count({ where: { tokenHash: token } })).toBe(0);
    expect(await inspectClaim(prisma, token)).toMatchObject({ status: "ok", kind: "set-password", email: "rosa@example.edu", courseName: "Course A" });

    // A wrong token, a truncated one, garbage.
    for (const wrong of [token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"), token.slice(0, 20), "", "../../etc", null]) {
      expect((await inspectClaim(prisma, wrong)).status).toBe("invalid");
      await expect(claimAccount(prisma, wrong, { name: "Mallory", password: "taking it over" })).rejects.toThrow(/not valid/);
    }
    // An attacker who knows the email and the join code cannot sign up with it.
    await expect(signUp(prisma, { email: "rosa@example.edu", name: "Mallory", password: "taking it over", joinCode: courseA.joinCode })).rejects.toThrow(/claim link/);

    expect(await claimAccount(prisma, token, { name: "Rosa R.", password: "rosa's own password" })).toEqual({ email: "rosa@example.edu" });
    expect(await authenticate(prisma, { email: "rosa@example.edu", password: "rosa's own password" }, 10)).toMatchObject({ name: "Rosa R." });
    expect(await prisma.auditLog.count({ where: { action: "roster.claim", courseId: courseA.id } })).toBe(1);
    // Single use.
    expect((await inspectClaim(prisma, token)).status).toBe("used");
    await expect(claimAccount(prisma, token, { name: "Mallory", password: "taking it over" })).rejects.toThrow(/used already/);
    expect(await authenticate(prisma, { email: "rosa@example.edu", password: "taking it over" }, 10)).toBeNull();

    // Expiry: the link for Hal, used after CLAIM_LINK_DAYS.
    const hal = tokenOf(links.find((l) => l.email === "hal@example.edu")!.path);
    const later = new Date(Date.now() + (CLAIM_LINK_DAYS * 24 + 1) * 3600 * 1000);
    expect((await inspectClaim(prisma, hal, later)).status).toBe("expired");
    await expect(claimAccount(prisma, hal, { name: "Hal", password: "hal's password" }, later)).rejects.toThrow(/expired/);
    // A new link retires the old one.
    const [fresh] = await createClaimLinks(prisma, profA.id, courseA.id, { userIds: [links.find((l) => l.email === "hal@example.edu")!.userId] });
    expect((await inspectClaim(prisma, hal)).status).toBe("invalid");
    await claimAccount(prisma, tokenOf(fresh.path), { name: "Hal", password: "hal's password" });
    expect(await authenticate(prisma, { email: "hal@example.edu", password: "hal's password" }, 10)).not.toBeNull();
    // Nobody left who needs one.
    expect(await createClaimLinks(prisma, profA.id, courseA.id)).toEqual([]);
  });

  it("only the course's instructors make links, for their own course's students", async () => {
    const prisma = database.prisma;
    await importRoster(prisma, profB.id, courseB.id, "email,name\nbea@example.edu,Bea\n");
    const bea = await prisma.user.findUniqueOrThrow({ where: { email: "bea@example.edu" } });
    await expect(createClaimLinks(prisma, profA.id, courseB.id)).rejects.toThrow(/Only instructors of this course/);
    await expect(createClaimLinks(prisma, profA.id, courseA.id, { userIds: [bea.id] })).rejects.toThrow(/needs no claim link/);
  });

  it("an attacker who signed up first with a listed email does not inherit the enrolment; the real student's link does not work for them", async () => {
    const prisma = database.prisma;
    // The attacker signs up with the victim's email before the instructor imports the list.
    const attacker = await signUp(prisma, { email: "victim@example.edu", name: "Mallory", password: "attacker password", joinCode: courseB.joinCode });
    const result = await importRoster(prisma, profA.id, courseA.id, "email,name,student_id\nvictim@example.edu,Victor Victim,S-9\n");
    expect(result).toMatchObject({ created: 0, enrolled: 0, pending: ["victim@example.edu"] });
    expect(await prisma.enrollment.count({ where: { userId: attacker.id, courseId: courseA.id } })).toBe(0);
    const [link] = await createClaimLinks(prisma, profA.id, courseA.id);
    expect(link).toMatchObject({ email: "victim@example.edu", kind: "accept", name: "Victor Victim" });
    // The attacker does not have the link; guessing tokens fails; claiming a password is not possible.
    await expect(acceptClaim(prisma, "hcl_" + "A".repeat(43), attacker.id)).rejects.toThrow(/not valid/);
    await expect(claimAccount(prisma, tokenOf(link.path), { name: "X", password: "another password" })).rejects.toThrow(/has a password already/);
    // Another signed-in account cannot use it either.
    const other = await signUp(prisma, { email: "other@example.edu", name: "Other", password: "other password", joinCode: courseB.joinCode });
    await expect(acceptClaim(prisma, tokenOf(link.path), other.id)).rejects.toThrow(/is for victim@example.edu/);
    expect(await prisma.enrollment.count({ where: { courseId: courseA.id, userId: { in: [attacker.id, other.id] } } })).toBe(0);
    // Were the account really the student's, opening the link signed in enrols it with the list's name and number.
    expect(await acceptClaim(prisma, tokenOf(link.path), attacker.id)).toMatchObject({ courseId: courseA.id });
    expect(await prisma.enrollment.findUniqueOrThrow({ where: { userId_courseId: { userId: attacker.id, courseId: courseA.id } } })).toMatchObject({ rosterName: "Victor Victim", studentNumber: "S-9" });
    expect(await prisma.pendingEnrollment.count({ where: { userId: attacker.id } })).toBe(0);
    await expect(acceptClaim(prisma, tokenOf(link.path), attacker.id)).rejects.toThrow(/used already/);
    expect(await prisma.auditLog.count({ where: { action: "roster.accept", targetId: attacker.id, courseId: courseA.id } })).toBe(1);
  });
});

describe("a roster import changes only its own course", () => {
  it("keeps users' own names and numbers, other courses' lists and instructors out", async () => {
    const prisma = database.prisma;
    // Sam is on course B's list (with B's number); course A imports him under another name and number.
    await importRoster(prisma, profB.id, courseB.id, "email,name,student_id\nsam@example.edu,Sam B,B-100\n");
    const samBefore = await prisma.user.findUniqueOrThrow({ where: { email: "sam@example.edu" } });
    const result = await importRoster(prisma, profA.id, courseA.id, `email,name,student_id\nsam@example.edu,Samuel A,A-200\n${profB.email},Prof In Disguise,X-1\n`);
    expect(result).toMatchObject({ created: 0, enrolled: 1, instructorsSkipped: [profB.email], pending: [] });
    const sam = await prisma.user.findUniqueOrThrow({ where: { id: samBefore.id }, include: { enrollments: true } });
    expect(sam).toMatchObject({ name: samBefore.name, studentNumber: samBefore.studentNumber });
    const byCourse = Object.fromEntries(sam.enrollments.map((e) => [e.courseId, [e.rosterName, e.studentNumber]]));
    expect(byCourse).toEqual({ [courseA.id]: ["Samuel A", "A-200"], [courseB.id]: ["Sam B", "B-100"] });
    // Re-importing course A with a new number changes only course A's enrolment.
    await importRoster(prisma, profA.id, courseA.id, "email,name,student_id\nsam@example.edu,Samuel A,A-201\n");
    const again = await prisma.enrollment.findMany({ where: { userId: sam.id }, orderBy: { courseId: "asc" } });
    expect(Object.fromEntries(again.map((e) => [e.courseId, e.studentNumber]))).toEqual({ [courseA.id]: "A-201", [courseB.id]: "B-100" });
    // The instructor was not enrolled as a student anywhere.
    expect(await prisma.enrollment.count({ where: { userId: profB.id, courseId: courseA.id } })).toBe(0);
    expect(await prisma.enrollment.count({ where: { userId: profA.id, role: "STUDENT" } })).toBe(0);
    // Each course's grade table uses its own list's name and number.
    const competitionA = await makeCompetition(prisma, courseA.id);
    const competitionB = await makeCompetition(prisma, courseB.id);
    expect((await gradeTable(prisma, competitionA.id)).find((r) => r.userId === sam.id)).toMatchObject({ name: "Samuel A", studentNumber: "A-201" });
    expect((await gradeTable(prisma, competitionB.id)).find((r) => r.userId === sam.id)).toMatchObject({ name: "Sam B", studentNumber: "B-100" });
  });
});
