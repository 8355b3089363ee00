/**
 * A whole competition, end to end, as people use it: in a real browser against the real server,
 * a real database and a real worker scoring real Keras and TF.js files.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const HISTORY = JSON.stringify({
  loss: [0.42, 0.14, 0.09, 0.07, 0.05, 0.04],
  accuracy: [0.87, 0.96, 0.972, 0.978, 0.984, 0.987],
  val_loss: [0.16, 0.1, 0.08, 0.075, 0.079, 0.085],
  val_accuracy: [0.95, 0.97, 0.976, 0.978, 0.977, 0.976],
});

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  server = await startTestServer({ databaseUrl: database.url });
  worker = startWorker({ prisma: database.prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, log: () => {} });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await worker?.stop();
  await server?.stop();
  await database?.drop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "Europe/Paris" });
  contexts.push(context);
  return context.newPage();
}

async function uploadAndWait(page: Page, slug: string, files: Array<{ name: string; data: Uint8Array }>, preprocessing: string): Promise<string> {
  await page.goto(`${server.url}/c/${slug}/submit`);
  await page.locator('[data-ready="true"]').first().waitFor();
  await page.locator('input[type="file"]').setInputFiles(files.map((file) => ({ name: file.name, mimeType: "application/octet-stream", buffer: Buffer.from(file.data) })));
  await page.getByLabel("Input preprocessing").selectOption(preprocessing);
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  await page.waitForURL(new RegExp(`/c/${slug}/submissions/[a-z0-9]+$`), { timeout: 60_000 });
  // Live status, then the report, without reloading the page.
  await page.getByTestId("public-score").waitFor({ timeout: 240_000 });
  return new URL(page.url()).pathname.split("/").pop()!;
}

describe("a whole competition", () => {
  let slug = "";
  let ada: Page;
  let katherine: Page;
  let instructor: Page;

  it("the instructor creates a competition", { timeout: 120_000 }, async () => {
    instructor = await newPage();
    await signInAs(instructor, server.url, "instructor@holdout.test", DEFAULT_DEMO_PASSWORD);
    const course = await database.prisma.course.findUniqueOrThrow({ where: { joinCode: DEMO_COURSE_JOIN_CODE } });
    await instructor.goto(`${server.url}/instructor/courses/${course.id}/competitions/new`);
    await instructor.locator('[data-ready="true"]').first().waitFor();
    await instructor.getByLabel("Title").fill("Digits final");
    await instructor.getByLabel("Address (slug)").fill("digits-final");
    await instructor.getByLabel("Dataset").selectOption("mnist");
    await instructor.getByLabel("Daily submission limit").fill("4");
    // New competitions open at the next full hour; this one opens now (the browser's local time).
    const anHourAgo = await instructor.evaluate(() => {
      const d = new Date(Date.now() - 3600_000);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await instructor.getByLabel("Opens").fill(anHourAgo);
    await instructor.getByRole("button", { name: "Create competition" }).click();
    await instructor.waitForURL(/\/c\/digits-final/);
    slug = "digits-final";
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug } });
    expect(competition).toMatchObject({ datasetId: "mnist", dailyLimit: 4 });
  });

  it("a new student joins with the course code and submits a TF.js model; a classmate submits a .keras with its history", { timeout: 600_000 }, async () => {
    katherine = await newPage();
    await katherine.goto(`${server.url}/signup`);
    await katherine.getByLabel("Course join code").fill(DEMO_COURSE_JOIN_CODE);
    await katherine.getByLabel("Full name").fill("Katherine Johnson");
    await katherine.getByLabel("Email").fill("katherine@example.edu");
    await katherine.getByLabel("Password").fill("orbital-mechanics");
    await katherine.getByRole("button", { name: "Sign up" }).click();
    await katherine.waitForURL(/\/courses/);
    await katherine.getByRole("link", { name: "Digits final" }).waitFor();

    const tfjs = FIXTURE_MODELS.tfjsLayersMnist;
    const tfjsId = await uploadAndWait(katherine, slug, await fixtureModelFiles(tfjs.dir), tfjs.preprocessing);
    await katherine.getByTestId("confusion-matrix").waitFor();
    await katherine.getByTestId("model-summary").waitFor();

    ada = await newPage();
    await signInAs(ada, server.url, "ada@holdout.test", DEFAULT_DEMO_PASSWORD);
    const keras = FIXTURE_MODELS.keras3KerasMnist;
    const kerasFiles = [...(await fixtureModelFiles(keras.dir)), { name: "history.json", data: new TextEncoder().encode(HISTORY) }];
    const kerasId = await uploadAndWait(ada, slug, kerasFiles, keras.preprocessing);
    // The report: curves from the uploaded history, a confusion matrix, the model summary.
    const curves = ada.getByTestId("training-curves");
    await curves.waitFor();
    expect(await curves.locator("svg").count()).toBeGreaterThan(0);
    await ada.getByTestId("confusion-matrix").waitFor();
    expect(await ada.getByTestId("confusion-matrix").locator("tbody tr").count()).toBe(10);
    await ada.getByTestId("model-summary").waitFor();
    await ada.getByTestId("misclassified").locator("img").first().waitFor();
    await screenshot(ada, "walkthrough-report");

    // Each score is what the model really earns: public and private together are the
    // official test set, where these files score exactly their known accuracy.
    for (const [id, fixture] of [[tfjsId, tfjs], [kerasId, keras]] as const) {
      const score = await database.prisma.score.findUniqueOrThrow({ where: { submissionId: id } });
      const correct = Math.round(score.publicScore * 3000) + Math.round(score.privateScore * 7000);
      expect((correct / 10000).toFixed(4)).toBe(fixture.accuracy.toFixed(4));
      const shown = (await (id === tfjsId ? katherine : ada).getByTestId("public-score").textContent()) ?? "";
      expect(shown).toContain(`${(score.publicScore * 100).toFixed(3)} %`);
    }
  });

  it("the public leaderboard ranks them, and after the deadline the private board and the grades CSV are right", { timeout: 120_000 }, async () => {
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug } });
    const scores = await database.prisma.score.findMany({ where: { submission: { competitionId: competition.id } }, include: { submission: { include: { user: true } } } });
    const byPublic = [...scores].sort((a, b) => b.publicScore - a.publicScore || a.submission.createdAt.getTime() - b.submission.createdAt.getTime());
    await ada.goto(`${server.url}/c/${slug}/leaderboard`);
    const publicRows = await ada.getByTestId("public-leaderboard").locator("tbody tr").allTextContents();
    expect(publicRows).toHaveLength(2);
    byPublic.forEach((score, index) => expect(publicRows[index]).toContain(score.submission.user.name));
    await screenshot(ada, "walkthrough-leaderboard");

    // The deadline passes, just after the last submission.
    const lastSubmission = Math.max(...scores.map((score) => score.submission.createdAt.getTime()));
    await database.prisma.competition.update({ where: { id: competition.id }, data: { closesAt: new Date(lastSubmission + 1) } });
    const byPrivate = [...scores].sort((a, b) => b.privateScore - a.privateScore || a.submission.createdAt.getTime() - b.submission.createdAt.getTime());
    await ada.goto(`${server.url}/c/${slug}/leaderboard`);
    const privateRows = await ada.getByTestId("private-leaderboard").locator("tbody tr").allTextContents();
    byPrivate.forEach((score, index) => expect(privateRows[index]).toContain(score.submission.user.name));

    const response = await instructor.request.get(`${server.url}/api/v1/competitions/${slug}/grades.csv`);
    expect(response.status()).toBe(200);
    const lines = (await response.text()).trim().split(/\r?\n/);
    expect(lines[0], lines.join("\n")).toBe("student_id,email,name,best_private_score,final_private_score,grade,note");
    const scheme = gradingSchemeSchema.parse(competition.gradingScheme);
    for (const score of scores) {
      const { user } = score.submission;
      const line = lines.find((row) => row.includes(user.email));
      expect(line, `grade line of ${user.email}`).toBeDefined();
      const cells = line!.split(",");
      expect(Number(cells[3])).toBeCloseTo(score.privateScore, 10);
      expect(Number(cells[4])).toBeCloseTo(score.privateScore, 10);
      expect(Number(cells[5])).toBe(roundPoints(pointsForScore(scheme, score.privateScore)));
    }
    // Students who did not submit get a zero grade too (and no scores).
    const alan = lines.find((row) => row.includes("alan@holdout.test"))?.split(",");
    expect(alan?.slice(3, 6)).toEqual(["", "", "0"]);
  });
});
