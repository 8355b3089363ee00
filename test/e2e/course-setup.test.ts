/**
 * Issue 13, in a real browser from an empty database (no demo): a site administrator (made with
 * the CLI's createAdmin) signs in, is made to choose a password, and creates an instructor on
 * /admin; the instructor signs in with the one-time password (forced change), creates a course,
 * a competition and imports a class list; a student signs up with the course's join code; the
 * instructor closes the competition now (with confirmation), and its page shows the times in the
 * viewer's zone and in UTC. Then the same course gets a drawn-digits competition: the instructor
 * draws digits on the canvas with the mouse, deletes a bad one, makes a test set of them and
 * attaches it on the competition form; the student submits a real trained model and is scored on
 * exactly those images (the expected accuracy is computed here from the stored digits).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdmin } from "@/lib/accounts/accounts";
import { decodeTestSet } from "@/lib/competitions/test-set-format";
import { splitPublicPrivate } from "@/lib/datasets";
import { loadSubmissionModel, predictImages } from "@/lib/models";
import { getBlob } from "@/lib/storage/blobs";
import { startWorker } from "@/worker/worker";
import { launchBrowser, screenshot, signInAs } from "@/test/helpers/browser";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { DIGIT_STROKES } from "@/test/helpers/drawing";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";
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
    await admin.getByLabel("Email", { exact: true }).fill("grace@uni.test");
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

  it("drawn digits: the instructor draws on the canvas, makes a test set, attaches it; the student is scored on exactly those images", { timeout: 600_000 }, async () => {
    const course = await database.prisma.course.findFirstOrThrow({ where: { name: "Deep Learning" } });
    const instructor = await newPage("America/New_York");
    await signInAs(instructor, server.url, "grace@uni.test", "grace's own password");
    await instructor.goto(`${server.url}/instructor/courses/${course.id}`);
    await instructor.getByRole("link", { name: "Drawn digits", exact: true }).click();
    await instructor.getByLabel("Collection name").fill("Fresh digits");
    await instructor.getByRole("button", { name: "Create collection" }).click();
    await instructor.waitForURL(/\/digits\/[^/]+$/);
    const collectionId = new URL(instructor.url()).pathname.split("/").pop()!;

    // Draws with the mouse (pointer events in a real Chromium), one stroke per polyline.
    const canvas = instructor.getByTestId("digit-canvas");
    await instructor.locator('[data-ready="true"]').first().waitFor();
    const box = (await canvas.boundingBox())!;
    async function draw(points: Array<[number, number]>, label: number) {
      await instructor.mouse.move(box.x + points[0][0], box.y + points[0][1]);
      await instructor.mouse.down();
      for (const [x, y] of points.slice(1)) await instructor.mouse.move(box.x + x, box.y + y, { steps: 6 });
      await instructor.mouse.up();
      await instructor.getByLabel(`Digit ${label}`, { exact: true }).dispatchEvent("click");
      await instructor.getByRole("button", { name: "Save digit" }).click();
      await instructor.getByTestId("digit-saved").filter({ hasText: `Saved a ${label},` }).waitFor();
      // The canvas is cleared for the next one.
      await expect.poll(() => instructor.getByRole("button", { name: "Save digit" }).isDisabled()).toBe(true);
    }
    const labels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 7, 3, 0];
    for (const label of labels) await draw(DIGIT_STROKES[label], label);
    // A bad one (a scribble called 5), deleted from the grid.
    await draw([[60, 60], [220, 220], [60, 220], [220, 60]], 5);
    await instructor.reload();
    expect(await instructor.getByTestId("digit-grid").locator("li").count()).toBe(labels.length + 1);
    instructor.once("dialog", (dialog) => void dialog.accept());
    // The grid is newest first: the scribble is the first drawing of a 5 listed.
    await instructor.getByRole("button", { name: "Delete this drawing of a 5" }).first().click();
    await expect.poll(() => database.prisma.drawnDigit.count({ where: { collectionId } }), { timeout: 20_000 }).toBe(labels.length);
    await instructor.reload();
    const counts = await instructor.getByTestId("digit-counts").locator("td").allTextContents();
    expect(counts.map(Number)).toEqual([2, 2, 1, 2, 1, 1, 1, 2, 1, 1]);
    await screenshot(instructor, "drawn-digits-collection");

    // Every stored digit is MNIST-shaped: 784 bytes, white on black, centred by mass.
    const stored = await database.prisma.drawnDigit.findMany({ where: { collectionId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(stored.map((d) => d.label)).toEqual(labels);
    for (const digit of stored) {
      expect(digit.pixels.length).toBe(784);
      let total = 0;
      let cx = 0;
      let cy = 0;
      digit.pixels.forEach((v, i) => {
        total += v;
        cx += v * ((i % 28) + 0.5);
        cy += v * (Math.floor(i / 28) + 0.5);
      });
      expect(Math.abs(cx / total - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(cy / total - 14)).toBeLessThanOrEqual(0.5);
      expect(digit.pixels[0]).toBe(0);
    }

    // The test set, then a competition with it, on the form.
    await instructor.getByLabel("Test set name").fill("Drawn in class");
    await instructor.getByRole("button", { name: `Make test set of ${labels.length} digits` }).click();
    await instructor.getByTestId("made-test-set").waitFor();
    const testSet = await database.prisma.testSet.findFirstOrThrow({ where: { name: "Drawn in class" } });
    await instructor.goto(`${server.url}/instructor/courses/${course.id}/competitions/new`);
    await instructor.locator('[data-ready="true"]').first().waitFor();
    await instructor.getByLabel("Title").fill("Drawn digits");
    await instructor.getByLabel("Address (slug)").fill("dl-drawn");
    await instructor.getByLabel("Hidden test set", { exact: true }).selectOption(testSet.id);
    await instructor.getByRole("button", { name: "Create competition" }).click();
    await instructor.waitForURL(`${server.url}/c/dl-drawn`);
    const competition = await database.prisma.competition.update({ where: { slug: "dl-drawn" }, data: { opensAt: new Date(Date.now() - 60_000) } });
    expect(competition.testSetId).toBe(testSet.id);

    // The student cannot draw in this collection (students were not let in) ...
    const student = await newPage();
    await signInAs(student, server.url, "barbara@uni.test", "barbara's password");
    await student.goto(`${server.url}/courses/${course.id}/digits/${collectionId}`);
    await student.getByTestId("drawing-closed").waitFor();
    expect(await student.getByTestId("digit-canvas").count()).toBe(0);

    // ... and submits a real trained model, scored by a real worker.
    const fixture = FIXTURE_MODELS.keras2H5Mnist;
    const modelFiles = await fixtureModelFiles(fixture.dir);
    const worker = startWorker({ prisma: database.prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, log: () => {} });
    try {
      await student.goto(`${server.url}/c/dl-drawn/submit`);
      await student.locator('[data-ready="true"]').first().waitFor();
      await student.locator('input[type="file"]').setInputFiles(modelFiles.map((file) => ({ name: file.name, mimeType: "application/octet-stream", buffer: Buffer.from(file.data) })));
      await student.getByLabel("Input preprocessing").selectOption(fixture.preprocessing);
      await student.getByRole("button", { name: "Submit", exact: true }).click();
      await student.waitForURL(/\/c\/dl-drawn\/submissions\/[a-z0-9]+$/, { timeout: 60_000 });
      await student.getByTestId("public-score").waitFor({ timeout: 400_000 });
    } finally {
      await worker.stop();
    }
    const submission = await database.prisma.submission.findFirstOrThrow({ where: { competition: { slug: "dl-drawn" } }, include: { score: true } });
    expect(submission.status).toBe("SCORED");

    // Independently: the stored set is exactly the drawn digits, and the model's accuracy on them.
    const set = decodeTestSet(await getBlob(database.prisma, testSet.blobSha256));
    expect(set.count).toBe(labels.length);
    expect(Array.from(set.labels)).toEqual(labels);
    stored.forEach((digit, i) => expect(Array.from(set.images.subarray(i * 784, (i + 1) * 784))).toEqual(Array.from(digit.pixels)));
    const images = new Uint8Array(stored.length * 784);
    stored.forEach((digit, i) => images.set(digit.pixels, i * 784));
    const loaded = await loadSubmissionModel(modelFiles, { dataset: "mnist", preprocessing: fixture.preprocessing });
    const predictions = await predictImages(loaded, images, stored.length, [28, 28, 1]);
    loaded.dispose();
    const correct = stored.map((digit, i) => {
      const row = Array.from(predictions.probabilities.subarray(i * 10, i * 10 + 10));
      return row.indexOf(Math.max(...row)) === digit.label;
    });
    const split = splitPublicPrivate(Uint8Array.from(labels), { seed: competition.splitSeed, publicFraction: competition.publicFraction });
    const accuracy = (indices: Uint32Array) => Array.from(indices).filter((i) => correct[i]).length / indices.length;
    expect(submission.score!.publicScore).toBeCloseTo(accuracy(split.publicIndices), 10);
    expect(submission.score!.privateScore).toBeCloseTo(accuracy(split.privateIndices), 10);
    // A trained MNIST model reads most of these drawings: the preprocessing really looks like MNIST.
    expect(correct.filter(Boolean).length / correct.length).toBeGreaterThanOrEqual(0.6);
    await screenshot(student, "drawn-digits-scored");

    // On the course page: the attached set cannot be deleted, and the only instructor stays one.
    await instructor.goto(`${server.url}/instructor/courses/${course.id}`);
    instructor.once("dialog", (dialog) => void dialog.accept());
    await instructor.getByRole("button", { name: "Delete the test set Drawn in class" }).click();
    await instructor.getByRole("alert").filter({ hasText: "cannot be deleted" }).waitFor();
    expect(await database.prisma.testSet.count({ where: { id: testSet.id } })).toBe(1);
    await instructor.getByLabel("Course role of Grace Hopper").selectOption("TA");
    await instructor.getByRole("alert").filter({ hasText: "at least one instructor" }).waitFor();
    expect((await database.prisma.enrollment.findFirstOrThrow({ where: { courseId: course.id, user: { email: "grace@uni.test" } } })).role).toBe("INSTRUCTOR");
  });
});
