/**
 * Hidden data: real submissions scored by a real worker, then every page and API response a
 * student can reach is crawled, before and after the close, and searched for the private split:
 * its labels (as runs of digits), its images (every PNG served is decoded and compared with the
 * test set), per-example predictions (long lists; "index" fields outside the public split) and,
 * before the close, the private scores.
 *
 * The split is computed here, independently, with the competition's seed and public fraction.
 */
import { createHash } from "node:crypto";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, splitPublicPrivate } from "@/lib/datasets";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createApiToken } from "@/lib/tokens/tokens";
import { formatScore } from "@/web/view/format";
import { startWorker } from "@/worker/worker";
import { tinyMlpFiles } from "@/scripts/load/tiny-model";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { fixtureModelFiles, FIXTURE_MODELS } from "@/test/helpers/fixtures";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { until } from "@/test/helpers/system";
import { client, sessionCookie } from "@/test/integration/api/helpers";
import { idxPair } from "@/test/helpers/idx";

const WINDOW = 24;
const MAX_LIST = 500;

let database: TestDatabase;
let server: TestServer;
let test: Awaited<ReturnType<typeof loadDataset>>;
let publicSet: Set<number>;
let privateSet: Set<number>;
/** Every WINDOW-long run of labels, in test-set order and in private-split order. */
let labelWindows: Set<string>;
/** sha1 of each private-split and public-split image. */
let privateImageHashes: Set<string>;
let publicImageHashes: Set<string>;
const workerLog: string[] = [];

interface Student {
  email: string;
  token: string;
  cookie: string;
  submissions: string[];
}
const students: Record<"ada" | "alan", Student> = {
  ada: { email: "ada@holdout.test", token: "", cookie: "", submissions: [] },
  alan: { email: "alan@holdout.test", token: "", cookie: "", submissions: [] },
};

const sha1 = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest("hex");

/**
 * A second competition scored on a hidden test set the instructor uploaded (PUT …/test-set): MNIST
 * test images 7000..7299, inverted, so that no public copy of them exists.
 */
const FRESH = "fresh-digits";
const FRESH_FROM = 7000;
const FRESH_COUNT = 300;
const fresh = { images: new Uint8Array(0), labels: new Uint8Array(0), publicSet: new Set<number>(), privateHashes: new Set<string>(), publicHashes: new Set<string>(), submission: "" };

beforeAll(async () => {
  database = await createTestDatabase();
  const prisma = database.prisma;
  await seedDemo(prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  for (const student of Object.values(students)) {
    const user = await prisma.user.findUniqueOrThrow({ where: { email: student.email } });
    student.token = (await createApiToken(prisma, user.id, "hidden data")).token;
  }
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "100000", HOLDOUT_SIGNIN_LIMIT: "1000" } });
  for (const student of Object.values(students)) student.cookie = await sessionCookie(server.url, student.email);

  // The uploaded set, attached to a competition of its own before any submission.
  const official = await loadDataset("mnist", "test");
  fresh.images = official.images.slice(FRESH_FROM * 784, (FRESH_FROM + FRESH_COUNT) * 784).map((value) => 255 - value);
  fresh.labels = official.labels.slice(FRESH_FROM, FRESH_FROM + FRESH_COUNT);
  const mnistRow = await prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
  const { id: _id, slug: _slug, createdAt: _c, updatedAt: _u, ...settings } = mnistRow;
  await prisma.competition.create({ data: { ...settings, slug: FRESH, title: "Fresh digits", splitSeed: 777 } as never });
  const instructor = await prisma.user.findUniqueOrThrow({ where: { email: "instructor@holdout.test" } });
  const form = new FormData();
  for (const file of idxPair(fresh.images, fresh.labels, FRESH_COUNT)) form.append("files", new Blob([file.data as Uint8Array<ArrayBuffer>]), file.name);
  const upload = await fetch(`${server.url}/api/v1/competitions/${FRESH}/test-set`, { method: "PUT", body: form, headers: { Authorization: `Bearer ${(await createApiToken(prisma, instructor.id, "hidden data")).token}` } });
  expect(upload.status, await upload.clone().text()).toBe(200);
  const freshSplit = splitPublicPrivate(fresh.labels, { seed: 777, publicFraction: mnistRow.publicFraction });
  fresh.publicSet = new Set(freshSplit.publicIndices);
  fresh.privateHashes = new Set(Array.from(freshSplit.privateIndices, (index) => sha1(fresh.images.subarray(index * 784, (index + 1) * 784))));
  fresh.publicHashes = new Set(Array.from(freshSplit.publicIndices, (index) => sha1(fresh.images.subarray(index * 784, (index + 1) * 784))));
  const freshSubmission = await client(server.url, students.ada.token).submit(FRESH, { note: "random MLP on fresh digits" }, tinyMlpFiles(13));
  expect(freshSubmission.status).toBe(201);
  fresh.submission = freshSubmission.body.submission.id;

  // Three real submissions: a trained CNN, and two tiny random MLPs (mostly wrong, so their
  // misclassified lists are full), scored by a real worker.
  const cnn = FIXTURE_MODELS.keras2H5Mnist;
  const uploads: Array<[keyof typeof students, Record<string, string>, Array<{ name: string; data: Uint8Array }>]> = [
    ["ada", { preprocessing: cnn.preprocessing, note: "trained CNN" }, await fixtureModelFiles(cnn.dir)],
    ["ada", { note: "random MLP" }, tinyMlpFiles(11)],
    ["alan", { note: "random MLP" }, tinyMlpFiles(12)],
  ];
  for (const [who, fields, files] of uploads) {
    const response = await client(server.url, students[who].token).submit("mnist", fields, files);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    students[who].submissions.push(response.body.submission.id);
  }
  const worker = startWorker({ prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, log: (line) => workerLog.push(line) });
  try {
    await until(
      "the worker to score the four submissions",
      async () => {
        const rows = await prisma.submission.findMany({ select: { status: true, failureReason: true } });
        const failed = rows.find((row) => row.status === "FAILED");
        if (failed) throw new Error(`a submission failed: ${failed.failureReason}\n${workerLog.join("\n")}`);
        return rows.every((row) => row.status === "SCORED") ? true : undefined;
      },
      240_000,
      500,
    );
  } finally {
    await worker.stop();
  }

  const mnist = await prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
  test = await loadDataset("mnist", "test");
  const split = splitPublicPrivate(test.labels, { seed: mnist.splitSeed, publicFraction: mnist.publicFraction });
  publicSet = new Set(split.publicIndices);
  privateSet = new Set(split.privateIndices);
  const inOrder = Array.from(test.labels).join("");
  const privateOrder = Array.from(split.privateIndices, (index) => test.labels[index]).join("");
  labelWindows = new Set();
  const freshPrivateOrder = Array.from(splitPublicPrivate(fresh.labels, { seed: 777, publicFraction: mnist.publicFraction }).privateIndices, (index) => fresh.labels[index]).join("");
  for (const text of [inOrder, privateOrder, freshPrivateOrder]) for (let i = 0; i + WINDOW <= text.length; i++) labelWindows.add(text.slice(i, i + WINDOW));
  const size = 28 * 28;
  privateImageHashes = new Set(Array.from(split.privateIndices, (index) => sha1(test.images.subarray(index * size, (index + 1) * size))));
  publicImageHashes = new Set(Array.from(split.publicIndices, (index) => sha1(test.images.subarray(index * size, (index + 1) * size))));
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

interface Crawled {
  url: string;
  status: number;
  contentType: string;
  text: string;
  png?: Uint8Array;
}

/** Every page and API response reachable for a student: a list of entry points, then every same-site link and image found in the pages. */
async function crawl(student: Student, slug = "mnist", submissions = student.submissions): Promise<Crawled[]> {
  const queue = slug !== "mnist" ? [`/c/${slug}`, `/c/${slug}/leaderboard`, `/c/${slug}/submit`, `/api/v1/competitions/${slug}`, `/api/v1/competitions/${slug}/submissions`, `/api/v1/competitions/${slug}/test-set`, `/api/v1/competitions/${slug}/leaderboard`] : [
    "/courses",
    "/account",
    "/c/mnist",
    "/c/mnist/leaderboard",
    "/c/mnist/leaderboard?board=private",
    "/c/mnist/leaderboard?board=public",
    "/c/mnist/submit",
    "/api/v1/me",
    "/api/v1/competitions",
    "/api/v1/competitions/mnist",
    "/api/v1/competitions/mnist/submissions",
    "/api/v1/competitions/mnist/leaderboard",
    "/api/v1/competitions/mnist/leaderboard?board=private",
    "/api/auth/session",
  ];
  for (const id of submissions) {
    queue.push(`/c/${slug}/submissions/${id}`, `/api/v1/submissions/${id}`, `/api/v1/submissions/${id}/report`);
    for (let n = 0; n <= 48; n++) queue.push(`/api/v1/submissions/${id}/misclassified/${n}.png`);
  }
  const seen = new Set<string>();
  const results: Crawled[] = [];
  while (queue.length > 0 && results.length < 600) {
    const pathname = queue.shift()!;
    if (seen.has(pathname)) continue;
    seen.add(pathname);
    const isApi = pathname.startsWith("/api/");
    const response = await fetch(`${server.url}${pathname}`, {
      headers: isApi && !pathname.startsWith("/api/auth/") ? { Authorization: `Bearer ${student.token}` } : { Cookie: student.cookie },
      redirect: "manual",
    });
    const contentType = response.headers.get("content-type") ?? "";
    const crawled: Crawled = { url: pathname, status: response.status, contentType, text: "" };
    if (contentType.startsWith("image/")) crawled.png = new Uint8Array(await response.arrayBuffer());
    else crawled.text = await response.text();
    results.push(crawled);
    if (contentType.includes("text/html")) {
      for (const match of crawled.text.matchAll(/(?:href|src)="(\/[^"]*)"/g)) {
        const link = match[1].replaceAll("&amp;", "&");
        if (link.startsWith("/_next/") || link.startsWith("/api/auth/") || link.startsWith("//")) continue;
        // Each crawl checks its own competition's split (the other one's indices mean other images).
        if (slug === "mnist" ? link.includes(FRESH) || link.includes(fresh.submission) : !link.includes(FRESH) && !submissions.some((id) => link.includes(id))) continue;
        if (!seen.has(link)) queue.push(link);
      }
    }
  }
  return results;
}

/** Runs of single digits (separated or not) in a text, as digit strings of at least WINDOW digits. */
function digitRuns(text: string): string[] {
  const runs: string[] = [];
  for (const match of text.matchAll(/(?<![\d.])\d(?:[\s,;|]*\d(?![\d.])){23,}/g)) runs.push(match[0].replace(/\D/g, ""));
  for (const match of text.matchAll(/\d{24,}/g)) runs.push(match[0]);
  return runs;
}

function labelLeaks(text: string): string[] {
  const leaks: string[] = [];
  for (const run of digitRuns(text)) {
    for (let i = 0; i + WINDOW <= run.length; i++) {
      if (labelWindows.has(run.slice(i, i + WINDOW))) {
        leaks.push(run.slice(i, i + WINDOW));
        break;
      }
    }
  }
  return leaks;
}

/** Every "index" an example carries (JSON, or JSON escaped in a page's RSC payload), and every "Test image N" alt text. */
function exampleIndices(text: string): number[] {
  const found: number[] = [];
  for (const match of text.matchAll(/\\*"index\\*"\s*:\s*(\d+)/g)) found.push(Number(match[1]));
  for (const match of text.matchAll(/Test image (\d+)/g)) found.push(Number(match[1]));
  return found;
}

function longestList(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(longestList));
  if (value && typeof value === "object") return Math.max(0, ...Object.values(value).map(longestList));
  return 0;
}

function decodeGray(png: Uint8Array): Uint8Array {
  const image = PNG.sync.read(Buffer.from(png));
  expect([image.width, image.height]).toEqual([28, 28]);
  const gray = new Uint8Array(28 * 28);
  for (let i = 0; i < gray.length; i++) gray[i] = image.data[i * 4];
  return gray;
}

/** The checks every crawl must pass, before and after the close. */
async function expectNoPrivateExamples(student: Student, pages: Crawled[]) {
  expect(pages.filter((page) => page.status >= 500).map((page) => page.url)).toEqual([]);
  for (const page of pages) {
    expect(labelLeaks(page.text), `private labels in ${page.url}`).toEqual([]);
    // (/api/docs shows the report's format with a made-up example, "index": 1234.)
    const outside = page.url === "/api/docs" ? [] : exampleIndices(page.text).filter((index) => !publicSet.has(index));
    expect(outside, `example indices outside the public split in ${page.url}`).toEqual([]);
    if (page.contentType.includes("json")) expect(longestList(JSON.parse(page.text)), `a per-example list in ${page.url}`).toBeLessThanOrEqual(MAX_LIST);
    // No image slips out in a data: URL either.
    expect(page.text).not.toMatch(/data:image\/[a-z]+;base64,[A-Za-z0-9+/]{400}/);
  }
  // Every PNG served is the public test image its report entry names, and no private one.
  let images = 0;
  for (const id of student.submissions) {
    const report = pages.find((page) => page.url === `/api/v1/submissions/${id}/report`)!;
    const list = JSON.parse(report.text).report.misclassified as Array<{ index: number }>;
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(48);
    for (const [n, entry] of list.entries()) {
      const png = pages.find((page) => page.url === `/api/v1/submissions/${id}/misclassified/${n}.png`)!;
      expect(png.status).toBe(200);
      const pixels = decodeGray(png.png!);
      expect(sha1(pixels)).toBe(sha1(test.images.subarray(entry.index * 784, (entry.index + 1) * 784)));
      expect(publicSet.has(entry.index)).toBe(true);
      images++;
    }
    const pastTheEnd = pages.find((page) => page.url === `/api/v1/submissions/${id}/misclassified/${list.length}.png`);
    if (pastTheEnd) expect(pastTheEnd.status).toBe(404);
  }
  expect(images).toBeGreaterThanOrEqual(30 * student.submissions.length);
  for (const page of pages.filter((page) => page.png && page.status === 200)) {
    const hash = sha1(decodeGray(page.png!));
    // (An image that is in both parts, a duplicate in the test set, would be fine.)
    expect(privateImageHashes.has(hash) && !publicImageHashes.has(hash), `a private image at ${page.url}`).toBe(false);
  }
  // The report's per-example details are public-split only: the confusion matrix counts exactly the public part.
  for (const id of student.submissions) {
    const report = JSON.parse(pages.find((page) => page.url === `/api/v1/submissions/${id}/report`)!.text).report;
    const counted = (report.confusion as number[][]).flat().reduce((a, b) => a + b, 0);
    expect(counted).toBe(publicSet.size);
    expect(report.metrics.examples).toBe(publicSet.size);
  }
}

async function privateScores(student: Student) {
  const user = await database.prisma.user.findUniqueOrThrow({ where: { email: student.email } });
  return database.prisma.score.findMany({ where: { submission: { userId: user.id, competition: { slug: "mnist" } } }, include: { submission: { select: { id: true } } } });
}

/** The ways a private number could be written on a page or in JSON. */
function renderings(value: number): string[] {
  return [String(value), formatScore(value)];
}

describe("hidden data", () => {
  it("the detectors find what they look for (a check of this test itself)", () => {
    const privateIndices = [...privateSet].slice(500, 560);
    const labels = privateIndices.map((index) => test.labels[index]);
    expect(labelLeaks(JSON.stringify(labels))).not.toEqual([]);
    expect(labelLeaks(`labels: ${labels.join(" ")}`)).not.toEqual([]);
    expect(labelLeaks(Array.from(test.labels.subarray(4000, 4030)).join(""))).not.toEqual([]);
    expect(labelLeaks(JSON.stringify({ confusion: [[280, 0, 1, 0, 0, 0, 2, 0, 1, 0]], ids: "cmwzrk2q30000qy7dhc9dkb51" }))).toEqual([]);
    expect(exampleIndices(JSON.stringify({ misclassified: [{ index: privateIndices[0] }] }))).toEqual([privateIndices[0]]);
    expect(exampleIndices(`self.__next_f.push([1,"{\\"index\\":${privateIndices[1]}}"])`)).toEqual([privateIndices[1]]);
    expect(longestList({ a: [{ b: new Array(MAX_LIST + 1).fill(0) }] })).toBe(MAX_LIST + 1);
  });

  it("scored for real: each report lists public-split examples only", async () => {
    const reports = await database.prisma.report.findMany({ where: { submission: { competition: { slug: "mnist" } } }, select: { misclassified: true, submissionId: true } });
    expect(reports).toHaveLength(3);
    for (const report of reports) {
      const list = report.misclassified as Array<{ index: number }>;
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((entry) => publicSet.has(entry.index))).toBe(true);
      expect(list.some((entry) => privateSet.has(entry.index))).toBe(false);
    }
  });

  it("before the close: no private label, image, per-example prediction or private score anywhere a student can reach", async () => {
    const allScores = await database.prisma.score.findMany();
    const publicRenderings = new Set(allScores.flatMap((score) => [...renderings(score.publicScore), ...(score.publicLoss === null ? [] : [String(score.publicLoss)])]));
    for (const student of Object.values(students)) {
      const pages = await crawl(student);
      expect(pages.length).toBeGreaterThan(20);
      // The crawl reached the pages a student actually uses, through the site's own links.
      for (const expected of ["/c/mnist", "/c/mnist/leaderboard", ...student.submissions.map((id) => `/c/mnist/submissions/${id}`)]) {
        expect(pages.find((page) => page.url === expected)?.status, expected).toBe(200);
      }
      await expectNoPrivateExamples(student, pages);

      // Private scores: null in every API answer, and written nowhere.
      for (const id of student.submissions) {
        const status = JSON.parse(pages.find((page) => page.url === `/api/v1/submissions/${id}`)!.text).submission;
        expect(status.score).toMatchObject({ private: null, privateLoss: null });
        const report = JSON.parse(pages.find((page) => page.url === `/api/v1/submissions/${id}/report`)!.text);
        expect(report.score).toMatchObject({ private: null, privateLoss: null });
        expect(report.report.privateMetrics).toBeNull();
      }
      for (const row of JSON.parse(pages.find((page) => page.url === "/api/v1/competitions/mnist/submissions")!.text).submissions) expect(row.privateScore).toBeNull();
      expect(pages.find((page) => page.url === "/api/v1/competitions/mnist/leaderboard?board=private")!.status).toBe(403);
      expect(pages.find((page) => page.url === "/c/mnist/leaderboard?board=private")!.text).not.toContain("Private leaderboard");
      const secrets = allScores.flatMap((score) => [...renderings(score.privateScore), ...(score.privateLoss === null ? [] : [String(score.privateLoss)])]).filter((text) => !publicRenderings.has(text));
      expect(secrets.length).toBeGreaterThan(3);
      for (const page of pages) {
        for (const secret of secrets) expect(page.text.includes(secret), `private score ${secret} in ${page.url}`).toBe(false);
      }
    }
  });

  it("the image route refuses a private-split index, even when a report lists one", async () => {
    const id = students.ada.submissions[0];
    const report = await database.prisma.report.findUniqueOrThrow({ where: { submissionId: id } });
    const list = report.misclassified as Array<{ index: number; predicted: number; actual: number; confidence: number }>;
    const privateIndex = [...privateSet][123];
    const planted = [...list, { index: privateIndex, predicted: 0, actual: test.labels[privateIndex], confidence: 0.5 }, { index: 10_000, predicted: 0, actual: 0, confidence: 0.5 }, { index: -1, predicted: 0, actual: 0, confidence: 0.5 }];
    await database.prisma.report.update({ where: { submissionId: id }, data: { misclassified: planted } });
    try {
      const ada = client(server.url, students.ada.token);
      for (const n of [list.length, list.length + 1, list.length + 2]) {
        const refused = await ada.get(`/api/v1/submissions/${id}/misclassified/${n}.png?scale=4`);
        expect(refused.status, `entry ${n}`).toBe(403);
        expect(refused.body).toMatchObject({ error: "FORBIDDEN" });
        expect(refused.body.message).toContain("public");
      }
      const cookieOnly = await fetch(`${server.url}/api/v1/submissions/${id}/misclassified/${list.length}.png`, { headers: { Cookie: students.ada.cookie } });
      expect(cookieOnly.status).toBe(403);
    } finally {
      await database.prisma.report.update({ where: { submissionId: id }, data: { misclassified: list } });
    }
  });

  it("after the close: private scores appear (and only then), still with no private examples", async () => {
    await database.prisma.competition.update({ where: { slug: "mnist" }, data: { closesAt: new Date(Date.now() - 60_000) } });
    for (const student of Object.values(students)) {
      const pages = await crawl(student);
      await expectNoPrivateExamples(student, pages);
      const scores = await privateScores(student);
      expect(scores).toHaveLength(student.submissions.length);
      for (const score of scores) {
        const status = JSON.parse(pages.find((page) => page.url === `/api/v1/submissions/${score.submissionId}`)!.text).submission;
        expect(status.competition.closed).toBe(true);
        expect(status.score.private).toBe(score.privateScore);
        const report = JSON.parse(pages.find((page) => page.url === `/api/v1/submissions/${score.submissionId}/report`)!.text);
        expect(report.report.privateMetrics.accuracy).toBe(score.privateScore);
        expect(pages.find((page) => page.url === `/c/mnist/submissions/${score.submissionId}`)!.text).toContain(formatScore(score.privateScore));
      }
      const board = JSON.parse(pages.find((page) => page.url === "/api/v1/competitions/mnist/leaderboard?board=private")!.text);
      expect(board.board).toBe("private");
      expect(board.rows.length).toBe(2);
      expect(pages.find((page) => page.url === "/c/mnist/leaderboard")!.text).toContain("Private leaderboard");
    }
  });

  it("a competition on an uploaded test set: its labels, private images and preview reach no student", async () => {
    const report = await database.prisma.report.findUniqueOrThrow({ where: { submissionId: fresh.submission } });
    expect((report.metrics as { examples: number }).examples).toBe(fresh.publicSet.size);
    for (const student of Object.values(students)) {
      const own = student === students.ada ? [fresh.submission] : [];
      const pages = await crawl(student, FRESH, own);
      expect(pages.find((page) => page.url === `/c/${FRESH}`)?.status).toBe(200);
      // The preview (sample images with their classes) is for instructors only.
      expect(pages.find((page) => page.url === `/api/v1/competitions/${FRESH}/test-set`)?.status).toBe(403);
      expect(pages.filter((page) => page.status >= 500).map((page) => page.url)).toEqual([]);
      for (const page of pages) {
        expect(labelLeaks(page.text), `uploaded labels in ${page.url}`).toEqual([]);
        expect(page.text).not.toMatch(/data:image\/[a-z]+;base64,[A-Za-z0-9+/]{400}/);
      }
      let images = 0;
      for (const id of own) {
        const list = JSON.parse(pages.find((page) => page.url === `/api/v1/submissions/${id}/report`)!.text).report.misclassified as Array<{ index: number }>;
        expect(list.length).toBeGreaterThan(0);
        for (const [n, entry] of list.entries()) {
          expect(fresh.publicSet.has(entry.index)).toBe(true);
          const png = pages.find((page) => page.url === `/api/v1/submissions/${id}/misclassified/${n}.png`)!;
          expect(png.status).toBe(200);
          expect(sha1(decodeGray(png.png!))).toBe(sha1(fresh.images.subarray(entry.index * 784, (entry.index + 1) * 784)));
          images++;
        }
      }
      if (own.length) expect(images).toBeGreaterThan(10);
      for (const page of pages.filter((page) => page.png && page.status === 200)) {
        const hash = sha1(decodeGray(page.png!));
        expect(fresh.privateHashes.has(hash) && !fresh.publicHashes.has(hash), `an uploaded private image at ${page.url}`).toBe(false);
      }
    }
  });

  it("the logs of the web server and the worker carry no private labels", () => {
    expect(labelLeaks(server.logs())).toEqual([]);
    expect(labelLeaks(workerLog.join("\n"))).toEqual([]);
    expect(exampleIndices(workerLog.join("\n")).filter((index) => privateSet.has(index))).toEqual([]);
  });
});
