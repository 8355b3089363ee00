/**
 * Instructors' hidden test sets through the real server: the REST API (PUT/GET
 * /api/v1/competitions/{slug}/test-set, POST /api/v1/test-sets), `holdout test-set add`, the
 * competition form in a browser (upload with progress, preview, attach), and a real worker
 * scoring a student's model on the uploaded images with the accuracy it really has on them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, splitPublicPrivate } from "@/lib/datasets";
import { DEFAULT_DEMO_PASSWORD } from "@/lib/demo/seed";
import { loadSubmissionModel, predictImages } from "@/lib/models";
import { startWorker } from "@/worker/worker";
import { launchBrowser, screenshot, signInAs } from "@/test/helpers/browser";
import { runHoldout } from "@/test/helpers/cli";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";
import { idxPair } from "@/test/helpers/idx";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { client, seedApiWorld, waitFor, type ApiWorld } from "@/test/integration/api/helpers";

const COUNT = 200;
/** Test images 5000.. of MNIST: a set of its own, written as an IDX pair. */
const OFFSET = 5000;

let database: TestDatabase;
let server: TestServer;
let world: ApiWorld;
let tmp: string;
let mnist: Awaited<ReturnType<typeof loadDataset>>;
let files: Array<{ name: string; data: Uint8Array }>;

function testSetForm(parts: Array<{ name: string; data: Uint8Array }>, name?: string): FormData {
  const form = new FormData();
  if (name) form.append("name", name);
  for (const file of parts) form.append("files", new Blob([file.data as Uint8Array<ArrayBuffer>]), file.name);
  return form;
}

async function put(token: string | undefined, slug: string, body: FormData): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/api/v1/competitions/${slug}/test-set`, { method: "PUT", body, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.json() };
}

/** A competition of the demo course without submissions, copied from "mnist". */
async function freshCompetition(slug: string) {
  const mnistRow = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
  const { id: _id, slug: _slug, createdAt: _c, updatedAt: _u, testSetId: _t, ...settings } = mnistRow;
  return database.prisma.competition.create({ data: { ...settings, slug, title: slug, splitSeed: 4242, publicFraction: 0.3 } as never });
}

beforeAll(async () => {
  database = await createTestDatabase();
  world = await seedApiWorld(database.prisma);
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "100000" } });
  tmp = await mkdtemp(path.join(os.tmpdir(), "holdout-test-set-"));
  mnist = await loadDataset("mnist", "test");
  files = idxPair(mnist.images.subarray(OFFSET * 784), mnist.labels.subarray(OFFSET), COUNT, 28, true);
  for (const file of files) await writeFile(path.join(tmp, file.name), file.data);
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("PUT/GET /api/v1/competitions/{slug}/test-set", () => {
  it("lets the course's instructors upload and preview a set, and no one else", async () => {
    const competition = await freshCompetition("api-upload");
    expect((await put(undefined, "api-upload", testSetForm(files))).status).toBe(401);
    expect((await put(world.tokens.ada, "api-upload", testSetForm(files))).status).toBe(403);
    expect((await put(world.tokens.otherInstructor, "api-upload", testSetForm(files))).status).toBe(404);
    expect((await client(server.url, world.tokens.ada).get("/api/v1/competitions/api-upload/test-set")).status).toBe(403);
    expect(await database.prisma.testSet.count()).toBe(0);

    const none = await client(server.url, world.tokens.instructor).get("/api/v1/competitions/api-upload/test-set");
    expect(none.body).toMatchObject({ testSet: null, replaceable: true });

    const bad = await put(world.tokens.instructor, "api-upload", testSetForm([files[0]]));
    expect(bad.status).toBe(422);
    expect(bad.body.message).toContain("exactly two files");

    const response = await put(world.tokens.instructor, "api-upload", testSetForm(files, "Fresh digits"));
    expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(200);
    const labels = mnist.labels.subarray(OFFSET, OFFSET + COUNT);
    const counts = new Array(10).fill(0);
    for (const label of labels) counts[label]++;
    const split = splitPublicPrivate(labels, { seed: 4242, publicFraction: 0.3 });
    expect(response.body.testSet).toMatchObject({ name: "Fresh digits", count: COUNT, height: 28, width: 28, channels: 1, perClassCounts: counts });
    expect(response.body.split).toMatchObject({ seed: 4242, public: split.counts.public, private: split.counts.private });
    expect(response.body.samples).toHaveLength(10);
    expect(response.body.samples[3].images[0]).toMatch(/^data:image\/png;base64,/);
    expect((await database.prisma.competition.findUniqueOrThrow({ where: { id: competition.id } })).testSetId).toBe(response.body.testSet.id);

    const got = await client(server.url, world.tokens.instructor).get("/api/v1/competitions/api-upload/test-set");
    expect(got.status).toBe(200);
    expect(got.body.testSet.id).toBe(response.body.testSet.id);
    expect(got.body.split).toEqual(response.body.split);

    // The course-level upload (the form's): stored, not attached.
    const posted = await client(server.url, world.tokens.instructor).post(`/api/v1/test-sets?course=${world.courseId}`, testSetForm(files));
    expect(posted.status).toBe(201);
    expect(posted.body.split).toBeNull();
    expect((await client(server.url, world.tokens.ada).post(`/api/v1/test-sets?course=${world.courseId}`, testSetForm(files))).status).toBe(403);
    expect((await client(server.url, world.tokens.otherInstructor).post(`/api/v1/test-sets?course=${world.courseId}`, testSetForm(files))).status).toBe(404);
  });

  it("scores a student's model on the uploaded images with the accuracy it really has on them; then refuses a replacement", { timeout: 400_000 }, async () => {
    await freshCompetition("scored-upload");
    const uploaded = await put(world.tokens.instructor, "scored-upload", testSetForm(files));
    expect(uploaded.status).toBe(200);

    const fixture = FIXTURE_MODELS.keras2H5Mnist;
    const modelFiles = await fixtureModelFiles(fixture.dir);
    const submitted = await client(server.url, world.tokens.ada).submit("scored-upload", { preprocessing: fixture.preprocessing }, modelFiles);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);

    // Replacing is refused from now on, with the reason.
    const refused = await put(world.tokens.instructor, "scored-upload", testSetForm(files));
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain("only before the first submission");

    const worker = startWorker({ prisma: database.prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, log: () => {} });
    let done;
    try {
      done = await waitFor(
        "the worker to score the submission",
        async () => {
          const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: submitted.body.submission.id }, include: { score: true, report: true } });
          return row.status === "SCORED" || row.status === "FAILED" ? row : undefined;
        },
        300_000,
      );
    } finally {
      await worker.stop();
    }
    expect(done.failureReason).toBeNull();

    // Independently: the same model, the same 200 images, lib/models' predict.
    const loaded = await loadSubmissionModel(modelFiles, { dataset: "mnist", preprocessing: fixture.preprocessing });
    const images = mnist.images.subarray(OFFSET * 784, (OFFSET + COUNT) * 784);
    const labels = mnist.labels.subarray(OFFSET, OFFSET + COUNT);
    const predictions = await predictImages(loaded, images, COUNT, [28, 28, 1]);
    loaded.dispose();
    const correct = Array.from({ length: COUNT }, (_, i) => {
      const row = predictions.probabilities.subarray(i * 10, i * 10 + 10);
      return row.indexOf(Math.max(...row)) === labels[i];
    });
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "scored-upload" } });
    const split = splitPublicPrivate(labels, { seed: competition.splitSeed, publicFraction: competition.publicFraction });
    const accuracy = (indices: Uint32Array) => Array.from(indices).filter((i) => correct[i]).length / indices.length;
    expect(done.score!.publicScore).toBeCloseTo(accuracy(split.publicIndices), 10);
    expect(done.score!.privateScore).toBeCloseTo(accuracy(split.privateIndices), 10);
    // Not the official test set's accuracy by accident: these are the 200 uploaded images.
    expect(split.publicIndices.length + split.privateIndices.length).toBe(COUNT);
  });
});

describe("holdout test-set add", () => {
  function holdout(args: string[]) {
    return runHoldout(args, { cwd: tmp, env: { HOLDOUT_URL: server.url, HOLDOUT_TOKEN: undefined, DATABASE_URL: database.url } });
  }

  it("uploads the files with the instructor's token, attaches them, and prints the preview", { timeout: 300_000 }, async () => {
    const competition = await freshCompetition("cli-upload");
    const paths = files.map((file) => file.name);
    const student = await holdout(["test-set", "add", "--competition", "cli-upload", "--token", world.tokens.ada, ...paths]);
    expect(student.code).toBe(1);
    expect(student.stderr).toContain("Only instructors of this course");

    const result = await holdout(["test-set", "add", "--competition", "cli-upload", "--token", world.tokens.instructor, "--name", "CLI digits", ...paths]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Test set "CLI digits"');
    expect(result.stdout).toContain("200 images of 28x28 pixels, 1 channel");
    expect(result.stdout).toMatch(/Split \(seed 4242, public fraction 0\.3\): 60 public, 140 private/);
    expect(result.stdout).toMatch(/label\s+class\s+images\s+public\s+private/);
    const row = await database.prisma.competition.findUniqueOrThrow({ where: { id: competition.id }, include: { testSet: true } });
    expect(row.testSet).toMatchObject({ name: "CLI digits", count: COUNT });

    const shown = await holdout(["test-set", "show", "--competition", "cli-upload", "--token", world.tokens.instructor, "--json"]);
    expect(shown.code, shown.stderr).toBe(0);
    const json = JSON.parse(shown.stdout);
    expect(json.testSet.id).toBe(row.testSetId);
    expect(json.samples[0].images).toBe(4);
  });
});

describe("the competition form", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("uploads a set with progress, previews it (counts, samples, split), attaches it, and creates the competition with it", { timeout: 300_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") violations.push(message.text());
    });
    await signInAs(page, server.url, "instructor@holdout.test", DEFAULT_DEMO_PASSWORD);
    await page.goto(`${server.url}/instructor/courses/${world.courseId}/competitions/new`);
    await page.locator('[data-ready="true"]').first().waitFor();
    await page.getByLabel("Title").fill("Uploaded digits");
    await page.getByLabel("Split seed").fill("4242");

    // A broken upload first: the parser's words appear next to the field.
    await page.getByLabel("Upload a hidden test set").setInputFiles([path.join(tmp, files[0].name)]);
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await page.getByTestId("test-set-error").waitFor();
    expect(await page.getByTestId("test-set-error").textContent()).toContain("exactly two files");

    await page.getByLabel("Upload a hidden test set").setInputFiles(files.map((file) => path.join(tmp, file.name)));
    await page.getByLabel("Test set name (optional)").fill("Browser digits");
    await page.getByRole("button", { name: "Upload and preview" }).click();
    const preview = page.getByTestId("test-set-preview");
    await preview.waitFor();
    expect(await page.getByTestId("test-set-count").textContent()).toBe("200");
    expect(await page.getByTestId("test-set-size").textContent()).toContain("28×28");
    expect(await page.getByTestId("test-set-split").textContent()).toBe("60 / 140");
    const images = page.getByTestId("test-set-samples").locator("img");
    expect(await images.count()).toBe(40);
    expect(await images.first().getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    // The images really render (the page's CSP allows data: images).
    expect(await images.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(28);
    await screenshot(page, "instructor-test-set-preview");

    await page.getByRole("button", { name: "Attach this test set" }).click();
    await page.getByText("Attached “Browser digits”.").waitFor();
    const testSet = await database.prisma.testSet.findFirstOrThrow({ where: { name: "Browser digits" } });
    expect(await page.getByLabel("Hidden test set", { exact: true }).inputValue()).toBe(testSet.id);

    await page.getByRole("button", { name: "Create competition" }).click();
    await page.waitForURL(`${server.url}/c/uploaded-digits`);
    const created = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "uploaded-digits" } });
    expect(created.testSetId).toBe(testSet.id);
    expect(violations.filter((text) => /Content Security Policy|Refused/.test(text))).toEqual([]);

    // The settings page shows the attached set's preview.
    await page.goto(`${server.url}/c/uploaded-digits/manage`);
    await page.getByText("The attached test set: Browser digits").click();
    expect(await page.getByTestId("test-set-split").first().textContent()).toBe("60 / 140");
    await context.close();
  });
});
