/**
 * Issue 13, in a real browser from an empty database (no demo): a site administrator (made with
 * the CLI's createAdmin) signs in, is made to choose a password, and creates an instructor on
 * /admin; the instructor signs in with the one-time password (forced change), creates a course,
 * a competition and imports a class list; a student signs up with the course's join code; the
 * instructor closes the competition now (with confirmation), and its page shows the times in the
 * viewer's zone and in UTC.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdmin } from "@/lib/accounts/accounts";
import { launchBrowser, screenshot } from "@/test/helpers/browser";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";

let database: TestDatabase;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "10000" } });
  browser = await launchBrowser();
}, 400_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

async function newPage(timezoneId = "UTC"): Promise<Page> {
  const context = await browser.newContext({ timezoneId });
  contexts.push(context);
  return context.newPage();
}

/** Signs in with a one-time password: the site sends the user to /account until they choose their own. */
async function firstSignIn(page: Page, email: string, oneTimePassword: string, newPassword: string) {
  await page.goto(`${server.url}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(oneTimePassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/account/);
  await page.getByLabel("Current password").fill(oneTimePassword);
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.waitForURL(/\/courses/);
}

describe("a course set up from an empty database", () => {
  it("admin -> instructor -> course, competition, class list -> a student joins with the code -> close now", { timeout: 300_000 }, async () => {
    expect(await database.prisma.course.count()).toBe(0);
    const { password: adminPassword } = await createAdmin(database.prisma, { email: "admin@uni.test", name: "Ada Admin" });

    // The administrator creates an instructor account on /admin.
    const admin = await newPage();
    await firstSignIn(admin, "admin@uni.test", adminPassword, "admin's own password");
    await admin.goto(`${server.url}/admin`);
    await admin.getByLabel("Name").fill("Grace Hopper");
    await admin.getByLabel("Email").fill("grace@uni.test");
    await admin.getByRole("button", { name: "Create instructor" }).click();
    const oneTime = (await admin.getByTestId("one-time-password").textContent())!.trim();
    expect(oneTime).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
    await screenshot(admin, "course-setup-admin");
    expect(await database.prisma.user.findUniqueOrThrow({ where: { email: "grace@uni.test" } })).toMatchObject({ role: "INSTRUCTOR", mustChangePassword: true });

    // The instructor: forced password change, then a course of their own.
    const instructor = await newPage("America/New_York");
    await firstSignIn(instructor, "grace@uni.test", oneTime, "grace's own password");
    await instructor.goto(`${server.url}/instructor`);
    await instructor.getByText("You teach no course yet").waitFor();
    await instructor.getByLabel("Course name").fill("Deep Learning");
    await instructor.getByLabel("Term (optional)").fill("Fall 2026");
    await instructor.getByRole("button", { name: "Create course" }).click();
    await instructor.waitForURL(/\/instructor\/courses\/[^/]+$/);
    const courseId = new URL(instructor.url()).pathname.split("/").pop()!;
    const joinCode = (await instructor.getByTestId("join-code").textContent())!.trim();
    expect(joinCode).toMatch(/^DL-[A-Z0-9]{6}$/);

    // A competition on MNIST, open now.
    await instructor.goto(`${server.url}/instructor/courses/${courseId}/competitions/new`);
    await instructor.getByLabel("Title").fill("Digits");
    await instructor.getByLabel("Address (slug)").fill("dl-digits");
    await instructor.getByRole("button", { name: "Create competition" }).click();
    await instructor.waitForURL(`${server.url}/c/dl-digits`);
    await database.prisma.competition.update({ where: { slug: "dl-digits" }, data: { opensAt: new Date(Date.now() - 60_000) } });

    // The class list.
    await instructor.goto(`${server.url}/instructor/courses/${courseId}/roster`);
    await instructor.locator("form[data-ready=true]").waitFor();
    await instructor.getByLabel("Class list (CSV)").fill("email,name,student_id\nalan@uni.test,Alan Turing,s-42\n");
    await instructor.getByRole("button", { name: "Import" }).click();
    await expect.poll(() => database.prisma.enrollment.count({ where: { courseId, role: "STUDENT" } }), { timeout: 20_000 }).toBe(1);

    // A student signs up with the join code and sees the course and its competition.
    const student = await newPage();
    await student.goto(`${server.url}/signup`);
    await student.getByLabel("Course join code").fill(joinCode);
    await student.getByLabel("Full name").fill("Barbara Liskov");
    await student.getByLabel("Email").fill("barbara@uni.test");
    await student.getByLabel("Password").fill("barbara's password");
    await student.getByRole("button", { name: /Sign up|Create account/ }).click();
    await student.waitForURL(/\/courses/);
    await student.getByRole("heading", { name: /Deep Learning/ }).waitFor();
    await student.getByRole("link", { name: "Digits" }).waitFor();
    expect(await student.content()).not.toContain(joinCode);
    expect(await database.prisma.enrollment.count({ where: { courseId, role: "STUDENT" } })).toBe(2);

    // Close now, with a confirmation step; times in the viewer's zone and in UTC.
    await instructor.goto(`${server.url}/c/dl-digits/manage`);
    await instructor.getByRole("button", { name: "Close now" }).click();
    await instructor.getByRole("alertdialog", { name: "Confirm closing" }).waitFor();
    await instructor.getByRole("button", { name: "Yes, close it now" }).click();
    await expect.poll(async () => (await database.prisma.competition.findUniqueOrThrow({ where: { slug: "dl-digits" } })).closesAt.getTime() <= Date.now(), { timeout: 20_000 }).toBe(true);
    await instructor.goto(`${server.url}/c/dl-digits`);
    const header = instructor.locator("header", { has: instructor.getByRole("heading", { level: 1, name: "Digits" }) });
    await expect.poll(async () => (await header.textContent()) ?? "", { timeout: 10_000 }).toMatch(/closed .*\(.*UTC\)/);
    expect(await database.prisma.auditLog.count({ where: { action: "competition.close" } })).toBe(1);
    await screenshot(instructor, "course-setup-closed");
  });
});
