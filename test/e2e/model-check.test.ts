/**
 * The free model check (issue #14, part 4) against the real server, a real database and the real
 * sandboxed check children: through the API, the CLI (`holdout submit --check`) and the upload
 * form in Chromium.
 *
 * The raw-trained model is a real one: ../shared/fixtures/models/keras2-h5-mnist-cnn/mnist1.h5,
 * trained by its authors on raw 0..255 pixels (98.89% on the official test set with "raw", see
 * that folder's README). Declared as 1/255 it scores near chance.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD } from "@/lib/demo/seed";
import { TRIAL_SAMPLE_SIZE } from "@/lib/submissions/trial";
import { launchBrowser, SCREENSHOT_DIR, screenshot, signInAs } from "@/test/helpers/browser";
import { runHoldout } from "@/test/helpers/cli";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { client, fixture, fixturePath, seedApiWorld, type ApiWorld } from "@/test/integration/api/helpers";

let database: TestDatabase;
let server: TestServer;
let world: ApiWorld;
let browser: Browser | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  world = await seedApiWorld(database.prisma);
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_SIGNIN_LIMIT: "1000" } });
}, 600_000);

afterAll(async () => {
  if (server) {
    await mkdir(path.dirname(SCREENSHOT_DIR), { recursive: true });
    await writeFile(path.join(path.dirname(SCREENSHOT_DIR), "model-check-server.log"), server.logs());
  }
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

/** What a check must not change: stored files, submissions, jobs. */
async function stored() {
  const prisma = database.prisma;
  return { blobs: await prisma.blob.count(), submissions: await prisma.submission.count(), jobs: await prisma.job.count(), files: await prisma.submissionFile.count() };
}

const RAW_MODEL = () => fixture("keras2-h5-mnist-cnn", "mnist1.h5");

describe("POST /api/v1/competitions/{slug}/check", () => {
  it("warns that a raw-trained model declared as 1/255 wants raw pixels, stores nothing and leaves the daily count alone", async () => {
    const racer = client(server.url, world.tokens.racer);
    const listed = await racer.get("/api/v1/competitions/race-mnist");
    expect(listed.status).toBe(200);
    const remainingBefore = listed.body.competition.remainingToday;
    expect(remainingBefore).toBe(2);
    const before = await stored();

    const answer = await racer.post("/api/v1/competitions/race-mnist/check", (() => {
      const form = new FormData();
      form.append("kind", "weights");
      form.append("preprocessing", "1/255");
      const model = RAW_MODEL();
      form.append("files", new Blob([model.data as Uint8Array<ArrayBuffer>]), model.name);
      return form;
    })());
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const check = answer.body.check;
    expect(check.ok).toBe(true);
    expect(check.stored).toBe(false);
    expect(check.summary.totalParams).toBe(42358);
    expect(check.trial.examples).toBe(TRIAL_SAMPLE_SIZE);
    expect(check.trial.split).toBe("public");
    expect(check.trial.declared.preprocessing).toBe("1/255");
    expect(check.trial.declared.accuracy).toBeLessThan(0.19);
    const raw = check.trial.others.find((run: { preprocessing: unknown }) => run.preprocessing === "raw");
    expect(raw.accuracy).toBeGreaterThan(0.9);
    // Accuracy is what was counted: correct / examples.
    expect(raw.correct / check.trial.examples).toBeCloseTo(raw.accuracy, 10);
    const advice = check.warnings.find((warning: string) => warning.includes('preprocessing "raw"'));
    expect(advice, JSON.stringify(check.warnings)).toBeDefined();
    expect(advice).toContain("raw 0–255 pixels");
    expect(check.remainingToday).toBe(2);

    expect(await stored()).toEqual(before);
    expect((await racer.get("/api/v1/competitions/race-mnist")).body.competition.remainingToday).toBe(remainingBefore);
  }, 120_000);

  it("gives no preprocessing warning when the declaration is right, and reports refused files as ok: false", async () => {
    const ada = client(server.url, world.tokens.ada);
    const form = (preprocessing: string, file: { name: string; data: Uint8Array }) => {
      const body = new FormData();
      body.append("preprocessing", preprocessing);
      body.append("files", new Blob([file.data as Uint8Array<ArrayBuffer>]), file.name);
      return body;
    };
    const right = await ada.post("/api/v1/competitions/mnist/check", form("raw", RAW_MODEL()));
    expect(right.status).toBe(200);
    expect(right.body.check.trial.declared.accuracy).toBeGreaterThan(0.9);
    expect(right.body.check.warnings.some((warning: string) => warning.includes("as good as guessing"))).toBe(false);

    const before = await stored();
    const garbage = await ada.post("/api/v1/competitions/mnist/check", form("1/255", { name: "model.h5", data: new TextEncoder().encode("not a model at all") }));
    expect(garbage.status).toBe(200);
    expect(garbage.body.check.ok).toBe(false);
    expect(garbage.body.check.errors.length).toBeGreaterThan(0);
    expect(garbage.body.check.trial).toBeNull();
    expect(await stored()).toEqual(before);
  }, 120_000);

  it("is allowed after the day's submissions are used up, and refused outside the course", async () => {
    const alan = client(server.url, world.tokens.alan);
    await database.prisma.competition.update({ where: { slug: "race-mnist" }, data: { dailyLimit: 0 } });
    try {
      const upload = await alan.submit("race-mnist", { preprocessing: "raw" }, [RAW_MODEL()]);
      expect(upload.status).toBe(429);
      const body = new FormData();
      body.append("preprocessing", "raw");
      body.append("files", new Blob([RAW_MODEL().data as Uint8Array<ArrayBuffer>]), "mnist1.h5");
      const checked = await alan.post("/api/v1/competitions/race-mnist/check", body);
      expect(checked.status, JSON.stringify(checked.body)).toBe(200);
      expect(checked.body.check.remainingToday).toBe(0);
    } finally {
      await database.prisma.competition.update({ where: { slug: "race-mnist" }, data: { dailyLimit: 2 } });
    }
    const outsider = client(server.url, world.tokens.otherInstructor);
    const body = new FormData();
    body.append("files", new Blob([RAW_MODEL().data as Uint8Array<ArrayBuffer>]), "mnist1.h5");
    expect((await outsider.post("/api/v1/competitions/mnist/check", body)).status).toBe(404);
  }, 120_000);
});

describe("holdout submit --check", () => {
  it("prints the verdict, warns with the fix on stderr, and submits nothing", async () => {
    const before = await stored();
    const result = await runHoldout(["submit", "--check", "--url", server.url, "--token", world.tokens.alan, "--competition", "mnist", "--preprocess", "1/255", fixturePath("keras2-h5-mnist-cnn", "mnist1.h5")], {
      env: { HOLDOUT_URL: undefined, HOLDOUT_TOKEN: undefined },
    });
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer.check.ok).toBe(true);
    expect(answer.check.trial.examples).toBe(TRIAL_SAMPLE_SIZE);
    expect(result.stderr).toContain('warning: On 200 images of the public split');
    expect(result.stderr).toContain('preprocessing "raw"');
    expect(result.stderr).toMatch(/trial on 200 public-split images: \d+\.\d% with 1\/255 \(raw: \d+\.\d%\)/);
    expect(result.stderr).toContain("nothing was stored");
    expect(result.stderr).not.toContain("submitted ");
    expect(await stored()).toEqual(before);

    const refused = await runHoldout(["submit", "--check", "--url", server.url, "--token", world.tokens.alan, "--competition", "mnist", path.join(import.meta.dirname, "model-check.test.ts")], {
      env: { HOLDOUT_URL: undefined, HOLDOUT_TOKEN: undefined },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("The files would be refused");
    expect(await stored()).toEqual(before);
  }, 180_000);
});

describe("the upload form", () => {
  it("runs the check as soon as a file is chosen and shows the result with the fix", async () => {
    browser = await launchBrowser();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signInAs(page, server.url, "ada@holdout.test", DEFAULT_DEMO_PASSWORD);
    await page.goto(`${server.url}/c/mnist/submit`);
    await page.locator('form[data-ready="true"]').waitFor();
    const before = await stored();
    const model = RAW_MODEL();
    await page.locator('input[type="file"]').setInputFiles({ name: model.name, mimeType: "application/octet-stream", buffer: Buffer.from(model.data) });
    const panel = page.getByTestId("model-check");
    await panel.and(page.locator('[data-state="warning"]')).waitFor({ timeout: 90_000 });
    await expect(panel.textContent()).resolves.toContain("On 200 images of the public split");
    await expect(panel.textContent()).resolves.toContain('preprocessing "raw"');
    await screenshot(page, "model-check-warning");

    // Choosing raw runs it again: no warning now. The choice is the student's: the form never switched it.
    await expect(page.getByLabel("Input preprocessing").inputValue()).resolves.toBe("1/255");
    await page.getByLabel("Input preprocessing").selectOption("raw");
    await panel.and(page.locator('[data-state="passed"]')).waitFor({ timeout: 90_000 });
    await expect(page.getByTestId("model-check-trial").textContent()).resolves.toMatch(/\d+\.\d % with raw pixels 0–255/);
    expect(await stored()).toEqual(before);
  }, 240_000);
});
