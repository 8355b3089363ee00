/**
 * Teams, late work and extensions as people use them, in a real browser against the real server,
 * a real database and a real worker scoring a real Keras model: the instructor allows teams and
 * late work, two students form a team by invite code, one submits and the other selects the
 * team's final; after the close a third student's late upload loses its penalty in the grades
 * CSV, and a fourth, given an extension, submits after the close without penalty. Students see
 * the public board only until the late period ends (the private one is not revealed at the close).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/accounts/password";
import { DEFAULT_DEMO_PASSWORD, DEMO_COURSE_JOIN_CODE, seedDemo } from "@/lib/demo/seed";
import { pointsForScore, roundPoints } from "@/lib/grading/points";
import { gradingSchemeSchema } from "@/lib/grading/schemes";
import { startWorker, type RunningWorker } from "@/worker/worker";
import { launchBrowser, screenshot, signInAs } from "@/test/helpers/browser";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";
import { startTestServer, type TestServer } from "@/test/helpers/server";

let database: TestDatabase;
let server: TestServer;
let worker: RunningWorker;
let browser: Browser;
const contexts: BrowserContext[] = [];
const workerLog: string[] = [];
const slug = "mnist";
const fixture = FIXTURE_MODELS.keras2H5Mnist;
let files: Array<{ name: string; data: Uint8Array }>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  const course = await database.prisma.course.findUniqueOrThrow({ where: { joinCode: DEMO_COURSE_JOIN_CODE } });
  const passwordHash = await hashPassword(DEFAULT_DEMO_PASSWORD);
  for (const [email, name] of [["katherine@holdout.test", "Katherine Late"], ["dorothy@holdout.test", "Dorothy Extended"]]) {
    await database.prisma.user.create({ data: { email, name, role: "STUDENT", passwordHash, enrollments: { create: { courseId: course.id, role: "STUDENT" } } } });
  }
  files = await fixtureModelFiles(fixture.dir);
  server = await startTestServer({ databaseUrl: database.url });
  worker = startWorker({ prisma: database.prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, log: (line) => workerLog.push(line) });
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await worker?.stop();
  await server?.stop();
  await database?.drop();
});

async function signedIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "America/New_York" });
  contexts.push(context);
  const page = await context.newPage();
  await signInAs(page, server.url, email, DEFAULT_DEMO_PASSWORD);
  return page;
}

/** Uploads the fixture model on the submit page and waits (live, without reloading) for its public score. */
async function uploadAndWait(page: Page): Promise<string> {
  await page.goto(`${server.url}/c/${slug}/submit`);
  await page.locator('[data-ready="true"]').first().waitFor();
  await page.locator('input[type="file"]').setInputFiles(files.map((file) => ({ name: file.name, mimeType: "application/octet-stream", buffer: Buffer.from(file.data) })));
  await page.getByLabel("Input preprocessing").selectOption(fixture.preprocessing);
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  await page.waitForURL(new RegExp(`/c/${slug}/submissions/[a-z0-9]+$`), { timeout: 60_000 });
  const id = new URL(page.url()).pathname.split("/").pop()!;
  // Scored by the real worker (the report page's live view is tested elsewhere): then the report.
  try {
    await expect.poll(async () => (await database.prisma.submission.findUniqueOrThrow({ where: { id } })).status, { timeout: 480_000, interval: 1000 }).toBe("SCORED");
  } catch (error) {
    throw new Error(`${(error as Error).message}\nworker log:\n${workerLog.slice(-20).join("\n")}`);
  }
  await page.reload();
  await page.getByTestId("public-score").waitFor({ timeout: 60_000 });
  return id;
}

async function competition() {
  return database.prisma.competition.findUniqueOrThrow({ where: { slug } });
}

describe("teams, late work and extensions", () => {
  let instructor: Page;
  let ada: Page;
  let alan: Page;
  let teamSubmissionId = "";
  let lateSubmissionId = "";
  let extendedSubmissionId = "";

  it("the instructor allows teams of two and late work at 20 % a day on the settings page", { timeout: 180_000 }, async () => {
    instructor = await signedIn("instructor@holdout.test");
    await instructor.goto(`${server.url}/c/${slug}/manage`);
    await instructor.locator('[data-ready="true"]').first().waitFor();
    await instructor.getByLabel("Team size limit").fill("2");
    await instructor.getByLabel("Accept late work with a penalty").check();
    await instructor.getByLabel("Penalty per day (fraction)").fill("0.2");
    await instructor.getByLabel("Days accepted after the deadline").fill("3");
    await instructor.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(async () => (await competition()).teamSizeLimit, { timeout: 30_000 }).toBe(2);
    expect((await competition()).latePolicy).toEqual({ kind: "penalty", perDayFraction: 0.2, maxDays: 3 });
  });

  it("Ada starts a team, Alan joins with its invite code, submits a real model for the team, and Ada selects it as the team's final", { timeout: 900_000 }, async () => {
    ada = await signedIn("ada@holdout.test");
    await ada.goto(`${server.url}/c/${slug}`);
    // The overview says exactly what a late upload costs.
    await expect.poll(() => ada.getByTestId("late-rules").textContent()).toContain("loses 20 % of its points per started day");
    const panel = ada.getByTestId("team-panel");
    await panel.getByLabel("Start a team").fill("Night Owls");
    await panel.getByRole("button", { name: "Create" }).click();
    const code = (await ada.getByTestId("invite-code").textContent({ timeout: 30_000 }))!.trim();
    expect(code).toMatch(/^T-[A-Z2-9]{10}$/);

    alan = await signedIn("alan@holdout.test");
    await alan.goto(`${server.url}/c/${slug}`);
    await alan.getByTestId("team-panel").getByLabel("Join a team").fill(code);
    await alan.getByTestId("team-panel").getByRole("button", { name: "Join" }).click();
    await alan.getByTestId("team-name").waitFor({ timeout: 30_000 });
    expect(await alan.getByRole("list", { name: "Team members" }).textContent()).toContain("Ada Student");
    await screenshot(alan, "team-joined");

    teamSubmissionId = await uploadAndWait(alan);
    const team = await database.prisma.team.findFirstOrThrow({ where: { name: "Night Owls" }, include: { members: true } });
    expect(team.members).toHaveLength(2);
    expect((await database.prisma.submission.findUniqueOrThrow({ where: { id: teamSubmissionId } })).teamId).toBe(team.id);

    // Ada sees the team's submission (uploaded by Alan) and selects it as the team's final.
    await ada.goto(`${server.url}/c/${slug}`);
    await ada.getByRole("heading", { name: "Your team's submissions" }).waitFor();
    await ada.getByRole("checkbox", { name: /for final scoring/ }).check();
    await ada.getByRole("button", { name: "Save final selection" }).click();
    await expect.poll(async () => (await database.prisma.submission.findUniqueOrThrow({ where: { id: teamSubmissionId } })).selectedForFinal, { timeout: 30_000 }).toBe(true);

    // The leaderboard shows the team with its members.
    await ada.goto(`${server.url}/c/${slug}/leaderboard`);
    const row = ada.getByTestId("public-leaderboard").locator("tbody tr", { hasText: "Night Owls" });
    await expect.poll(() => row.textContent()).toContain("Ada Student, Alan Student");
  });

  it("after the close a late upload is accepted with its penalty, marked late, and the grades CSV takes it off", { timeout: 900_000 }, async () => {
    // The deadline passes (just now).
    await database.prisma.competition.update({ where: { slug }, data: { closesAt: new Date(Date.now() - 60_000) } });
    const katherine = await signedIn("katherine@holdout.test");
    await katherine.goto(`${server.url}/c/${slug}/submit`);
    expect(await katherine.getByTestId("late-warning").textContent()).toContain("loses 20 % of its points");
    lateSubmissionId = await uploadAndWait(katherine);
    expect(await database.prisma.submission.findUniqueOrThrow({ where: { id: lateSubmissionId } })).toMatchObject({ isLate: true, latePenalty: 0.2 });
    expect(await katherine.getByTestId("late-mark").textContent()).toContain("late (-20%)");
    // The private results wait for the late period to end (three days from the close): until then
    // students see the public board, with the late mark, and when the private one is revealed.
    await katherine.goto(`${server.url}/c/${slug}/leaderboard`);
    await expect.poll(() => katherine.getByTestId("public-leaderboard").locator("tbody tr", { hasText: "Katherine Late" }).textContent()).toContain("late (-20%)");
    expect(await katherine.getByText("The private leaderboard is revealed on").textContent()).toContain("after the late period and any extensions end");
    expect(await katherine.getByTestId("private-leaderboard").count()).toBe(0);
    await katherine.goto(`${server.url}/c/${slug}/leaderboard?board=private`);
    await katherine.getByTestId("public-leaderboard").waitFor();
    expect(await katherine.getByTestId("private-leaderboard").count()).toBe(0);
    await screenshot(katherine, "late-leaderboard");
    // The overview says when the private leaderboard is revealed.
    await katherine.goto(`${server.url}/c/${slug}`);
    expect(await katherine.getByTestId("private-reveal").textContent()).toContain("after the late period and any extensions end");
  });

  it("an extension lets one student submit after the close without penalty", { timeout: 900_000 }, async () => {
    await instructor.goto(`${server.url}/c/${slug}/manage/teams`);
    await instructor.getByLabel("Student's email").fill("dorothy@holdout.test");
    // Until two days from now, typed in the instructor's zone (New York).
    const inTwoDays = await instructor.evaluate(() => {
      const d = new Date(Date.now() + 2 * 24 * 3600_000);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await instructor.getByLabel("Until (your time zone)").fill(inTwoDays);
    await instructor.getByLabel("Reason (the student sees it)").fill("medical certificate");
    await instructor.getByRole("button", { name: "Save extension" }).click();
    await instructor.getByTestId("extensions").getByText("Dorothy Extended").waitFor({ timeout: 30_000 });
    const extension = await database.prisma.extension.findFirstOrThrow({ include: { user: true } });
    expect(extension.user?.email).toBe("dorothy@holdout.test");
    expect(Math.abs(extension.closesAt.getTime() - (Date.now() + 2 * 24 * 3600_000))).toBeLessThan(5 * 60_000);

    const dorothy = await signedIn("dorothy@holdout.test");
    await dorothy.goto(`${server.url}/c/${slug}`);
    await expect.poll(() => dorothy.getByTestId("late-rules").textContent()).toContain("You have an extension until");
    expect(await dorothy.getByTestId("late-rules").textContent()).toContain("(medical certificate): uploads before then are on time, with no penalty");
    extendedSubmissionId = await uploadAndWait(dorothy);
    expect(await database.prisma.submission.findUniqueOrThrow({ where: { id: extendedSubmissionId } })).toMatchObject({ isLate: false, latePenalty: null });
    expect(await dorothy.getByTestId("late-mark").count()).toBe(0);
  });

  it("the grades CSV: the team's grade for both members, the late penalty taken off, the extension's upload in full", { timeout: 120_000 }, async () => {
    const scheme = gradingSchemeSchema.parse((await competition()).gradingScheme);
    const scores = Object.fromEntries(
      await Promise.all([teamSubmissionId, lateSubmissionId, extendedSubmissionId].map(async (id) => [id, (await database.prisma.score.findUniqueOrThrow({ where: { submissionId: id } })).privateScore] as const)),
    );
    const response = await instructor.request.get(`${server.url}/api/v1/competitions/${slug}/grades.csv`);
    expect(response.status()).toBe(200);
    const lines = (await response.text()).trim().split(/\r?\n/);
    const grade = (email: string) => {
      const line = lines.find((row) => row.includes(email));
      expect(line, `${email} in\n${lines.join("\n")}`).toBeDefined();
      return line!;
    };
    const full = (id: string) => roundPoints(pointsForScore(scheme, scores[id]));
    for (const email of ["ada@holdout.test", "alan@holdout.test"]) expect(Number(grade(email).split(",")[5])).toBe(full(teamSubmissionId));
    const late = grade("katherine@holdout.test");
    expect(Number(late.split(",")[5])).toBe(roundPoints(full(lateSubmissionId) * 0.8));
    expect(late).toContain("Uploaded late: 20 % off");
    const extended = grade("dorothy@holdout.test");
    expect(Number(extended.split(",")[5])).toBe(full(extendedSubmissionId));
    expect(extended).not.toContain("late");
  });
});
