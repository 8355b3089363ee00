import { PNG } from "pngjs";
import type { Browser } from "playwright-core";
import { DEFAULT_DEMO_PASSWORD } from "@/lib/demo/seed";
import { ENDPOINTS } from "@/web/api/endpoints";
import { launchBrowser, screenshot, signInAs } from "@/test/helpers/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { rateLimitKey } from "@/web/api/auth";
import { createApiToken, revokeApiToken } from "@/lib/tokens/tokens";
import { splitPublicPrivate, loadDataset } from "@/lib/datasets";
import { startWorker } from "@/worker/worker";
import { client, fixture, MLP_ARCHITECTURE, seedApiWorld, sessionCookie, streamEndlessUpload, waitFor, type ApiWorld } from "@/test/integration/api/helpers";

const MAX_UPLOAD_MB = 6;
const RATE_LIMIT = 1000;

let database: TestDatabase;
let server: TestServer;
let world: ApiWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  world = await seedApiWorld(database.prisma);
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_MAX_UPLOAD_MB: String(MAX_UPLOAD_MB), HOLDOUT_API_RATE_LIMIT: String(RATE_LIMIT) } });
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

const as = (who: keyof ApiWorld["tokens"]) => client(server.url, world.tokens[who]);

describe("authentication", () => {
  it("answers 401 without a token, with a malformed header, an unknown token or a revoked one", async () => {
    const none = await client(server.url).get("/api/v1/competitions");
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: "UNAUTHENTICATED" });
    expect(none.body.message).toContain("/account");

    const basic = await client(server.url, undefined, { Authorization: "Basic YWRhOnNlY3JldA==" }).get("/api/v1/me");
    expect(basic.status).toBe(401);
    expect(basic.body.message).toContain("Bearer");

    const unknown = await client(server.url, `hdt_${"A".repeat(43)}`).get("/api/v1/me");
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toMatch(/unknown or was revoked/);

    const { token, apiToken } = await createApiToken(database.prisma, world.users.alan.id, "to revoke");
    expect((await client(server.url, token).get("/api/v1/me")).status).toBe(200);
    await revokeApiToken(database.prisma, world.users.alan.id, apiToken.id);
    const revoked = await client(server.url, token).get("/api/v1/me");
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("knows who a token belongs to and records when it was used", async () => {
    const me = await as("ada").get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: { id: world.users.ada.id, email: "ada@holdout.test", name: "Ada Student", role: "student" }, via: "token" });
    const stored = await database.prisma.apiToken.findFirstOrThrow({ where: { userId: world.users.ada.id } });
    expect(stored.lastUsedAt).not.toBeNull();
  });

  it("accepts the site's session cookie, but not for cross-site writes", async () => {
    const cookie = await sessionCookie(server.url, "instructor@holdout.test");
    const me = await client(server.url, undefined, { Cookie: cookie }).get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ via: "session", user: { email: "instructor@holdout.test", role: "instructor" } });
    const sameSite = await client(server.url, undefined, { Cookie: cookie, Origin: server.url }).submit("mnist", { preprocessing: "raw", note: "from the site's form" }, [fixture("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(sameSite.status, JSON.stringify(sameSite.body)).toBe(201);
    const crossSite = await client(server.url, undefined, { Cookie: cookie, Origin: "https://evil.example" }).submit("mnist", {}, [fixture("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.message).toContain("API token");
  });

  it("rate-limits each token: 429 with Retry-After past the limit a minute", async () => {
    const { token, apiToken } = await createApiToken(database.prisma, world.users.alan.id, "busy poller");
    const key = rateLimitKey({ id: world.users.alan.id, via: "token", tokenId: apiToken.id });
    // Spend the minute's allowance as a busy client would have.
    await database.prisma.rateLimit.create({ data: { key, windowStart: new Date(), count: RATE_LIMIT - 1 } });
    const busy = client(server.url, token);
    expect((await busy.get("/api/v1/me")).status).toBe(200);
    const limited = await busy.get("/api/v1/me");
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Other tokens are not affected.
    expect((await as("alan").get("/api/v1/me")).status).toBe(200);
  });
});

describe("competitions", () => {
  it("lists the competitions of the caller's courses with submissions left today", async () => {
    const ada = await as("ada").get("/api/v1/competitions");
    expect(ada.status).toBe(200);
    const slugs = ada.body.competitions.map((c: { slug: string }) => c.slug).sort();
    expect(slugs).toEqual(["mnist", "race-mnist"]);
    const mnist = ada.body.competitions.find((c: { slug: string }) => c.slug === "mnist");
    expect(mnist).toMatchObject({ title: "MNIST digits", dataset: "mnist", phase: "open", dailyLimit: 5, role: "student", allowedKinds: ["weights", "definition"] });
    expect(typeof mnist.remainingToday).toBe("number");
    expect(new Date(mnist.closesAt).getTime()).toBeGreaterThan(Date.now());

    const instructor = await as("instructor").get("/api/v1/competitions/mnist");
    expect(instructor.status).toBe(200);
    expect(instructor.body.competition).toMatchObject({ slug: "mnist", role: "instructor", remainingToday: null, publicFraction: 0.3, customTestSet: false });
  });

  it("answers 404 for a competition of another course", async () => {
    const response = await as("ada").get("/api/v1/competitions/other-mnist");
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: "NOT_FOUND" });
    expect(response.body.message).toContain("course page");
  });
});

describe("submitting", () => {
  it("takes a Keras 3 .keras model with its history: 201 with the queued submission", async () => {
    const history = { name: "history.json", data: new TextEncoder().encode(JSON.stringify({ loss: [0.5, 0.2], accuracy: [0.85, 0.95], val_loss: [0.3, 0.25], val_accuracy: [0.9, 0.93] })) };
    const response = await as("ada").submit("mnist", { kind: "weights", preprocessing: "1/255", note: "first CNN" }, [fixture("keras3-keras-mnist-cnn", "mnist_model.keras"), history]);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toEqual({
      submission: {
        id: expect.any(String),
        status: "QUEUED",
        url: `${server.url}/api/v1/submissions/${response.body.submission.id}`,
        pageUrl: `${server.url}/c/mnist/submissions/${response.body.submission.id}`,
      },
      warnings: expect.any(Array),
      remainingToday: 4,
    });
    expect(response.headers.get("location")).toBe(`/api/v1/submissions/${response.body.submission.id}`);
    const stored = await database.prisma.submission.findUniqueOrThrow({ where: { id: response.body.submission.id }, include: { files: true, jobs: true } });
    expect(stored).toMatchObject({ kind: "WEIGHTS", note: "first CNN" });
    expect(JSON.stringify(stored.preprocessing)).toContain("1/255");
    expect(stored.files.map((file) => [file.name, file.role]).sort()).toEqual([["history.json", "history"], ["mnist_model.keras", "model"]]);
    expect(stored.jobs).toHaveLength(1);
  });

  it("takes a Keras 2 HDF5 model with raw pixels, keeping only the base name of the file", async () => {
    const { data } = fixture("keras2-h5-mnist-cnn", "mnist1.h5");
    const response = await as("alan").submit("mnist", { preprocessing: "raw" }, [{ name: "C:\\Users\\alan\\models\\mnist1.h5", data }]);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const stored = await database.prisma.submission.findUniqueOrThrow({ where: { id: response.body.submission.id }, include: { files: true } });
    expect(JSON.stringify(stored.preprocessing)).toContain("raw");
    expect(stored.files.map((file) => file.name)).toEqual(["mnist1.h5"]);
  });

  it("takes a TF.js layers model (model.json + weights.bin) and a standardization", async () => {
    const response = await as("alan").submit("mnist", { preprocessing: "mean=0.1307;std=0.3081" }, [fixture("tfjs-layers-mnist-cnn", "model.json"), fixture("tfjs-layers-mnist-cnn", "weights.bin")]);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const stored = await database.prisma.submission.findUniqueOrThrow({ where: { id: response.body.submission.id } });
    expect(stored.preprocessing).toMatchObject({ mean: [0.1307], std: [0.3081] });
  });

  it("takes a definition (model.to_json()) with training settings", async () => {
    const response = await as("alan").submit(
      "mnist",
      { kind: "definition", trainingSettings: JSON.stringify({ optimizer: "adam", learningRate: 0.001, batchSize: 64, epochs: 2 }) },
      [{ name: "architecture.json", data: new TextEncoder().encode(MLP_ARCHITECTURE) }],
    );
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const stored = await database.prisma.submission.findUniqueOrThrow({ where: { id: response.body.submission.id } });
    expect(stored.kind).toBe("DEFINITION");
    expect(stored.trainingSettings).toMatchObject({ optimizer: "adam", batchSize: 64, epochs: 2 });
  });

  it("answers 422 with the list of problems for a file that is not a model, and stores nothing", async () => {
    const before = await database.prisma.submission.count();
    const response = await as("ada").submit("mnist", {}, [{ name: "model.h5", data: new TextEncoder().encode("this is not an HDF5 file, just text") }]);
    expect(response.status).toBe(422);
    expect(response.body.error).toBe("UNPROCESSABLE");
    expect(response.body.errors.length).toBeGreaterThan(0);
    expect(typeof response.body.errors[0]).toBe("string");
    expect(await database.prisma.submission.count()).toBe(before);
  });

  it("answers 400 for requests it cannot use, saying what to send", async () => {
    const ada = as("ada");
    const model = fixture("keras2-h5-mnist-cnn", "mnist1.h5");
    const cases: Array<[string, Promise<{ status: number; body: any }>, RegExp]> = [
      ["json body", ada.post("/api/v1/competitions/mnist/submissions", JSON.stringify({ files: [] }), { headers: { "Content-Type": "application/json" } }), /multipart\/form-data/],
      ["no files", ada.submit("mnist", { kind: "weights" }, []), /No files/],
      ["unknown field", ada.submit("mnist", { preprocess: "raw" }, [model]), /Unknown field "preprocess"/],
      ["wrong file part", ada.post("/api/v1/competitions/mnist/submissions", (() => { const form = new FormData(); form.append("model", new Blob([model.data as Uint8Array<ArrayBuffer>]), "m.h5"); return form; })()), /parts? named "files"/],
      ["bad preprocessing", ada.submit("mnist", { preprocessing: "divide by 255" }, [model]), /"divide by 255".*1\/255/],
      ["bad kind", ada.submit("mnist", { kind: "onnx" }, [model]), /Unknown kind/],
      ["settings not JSON", ada.submit("mnist", { kind: "definition", trainingSettings: "{epochs: 5" }, [model]), /not valid JSON/],
      ["control character in a file name", ada.submit("mnist", {}, [{ name: "mod\u0001el.h5", data: model.data }]), /control characters/],
      [
        "control character in an encoded file name",
        ada.post("/api/v1/competitions/mnist/submissions", `--b\r\nContent-Disposition: form-data; name="files"; filename*=UTF-8''mod%01el.h5\r\n\r\nxyz\r\n--b--\r\n`, {
          headers: { "Content-Type": "multipart/form-data; boundary=b" },
        }),
        /"mod\\u0001el.h5" contains control characters. Rename the file/,
      ],
      [
        "nameless path",
        ada.post("/api/v1/competitions/mnist/submissions", `--b\r\nContent-Disposition: form-data; name="files"; filename="models/.."\r\n\r\nxyz\r\n--b--\r\n`, {
          headers: { "Content-Type": "multipart/form-data; boundary=b" },
        }),
        /no usable base name/,
      ],
      ["two files with one name", ada.submit("mnist", {}, [model, model]), /Two files are named/],
    ];
    for (const [what, pending, message] of cases) {
      const response = await pending;
      expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBe(400);
      expect(response.body.error, what).toBe("BAD_REQUEST");
      expect(response.body.message, what).toMatch(message);
    }
  });

  it("refuses an upload whose declared size is over the limit with 413, before reading it", async () => {
    const big = new Uint8Array((MAX_UPLOAD_MB + 1) * 1024 * 1024);
    const response = await as("ada").submit("mnist", {}, [{ name: "big.h5", data: big }]);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: "PAYLOAD_TOO_LARGE", maxTotalBytes: MAX_UPLOAD_MB * 1024 * 1024 });
    expect(response.body.message).toContain(`${MAX_UPLOAD_MB} MB`);
  });

  it("refuses an endless streamed upload (no Content-Length) with 413 as soon as it crosses the limit", async () => {
    const result = await streamEndlessUpload(`${server.url}/api/v1/competitions/mnist/submissions`, world.tokens.ada, { giveUpAfterBytes: 20 * MAX_UPLOAD_MB * 1024 * 1024 });
    expect(result.status).toBe(413);
    expect(result.body.error).toBe("PAYLOAD_TOO_LARGE");
    expect(result.sentBytes).toBeLessThan(4 * MAX_UPLOAD_MB * 1024 * 1024);
    // The server is still fine afterwards.
    expect((await as("ada").get("/api/v1/me")).status).toBe(200);
  });

  it("answers 404 for a competition in another course, before reading the upload", async () => {
    const response = await as("ada").submit("other-mnist", {}, [fixture("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(response.status).toBe(404);
  });

  it("gives exactly one of two racing uploads the last slot of the day: one 201, one 429", async () => {
    const racer = as("racer");
    const model = fixture("keras2-h5-mnist-cnn", "mnist1.h5");
    const first = await racer.submit("race-mnist", { preprocessing: "raw" }, [model]);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.remainingToday).toBe(1);

    const race = await Promise.all([racer.submit("race-mnist", { preprocessing: "raw", note: "A" }, [model]), racer.submit("race-mnist", { preprocessing: "raw", note: "B" }, [model])]);
    expect(race.map((response) => response.status).sort()).toEqual([201, 429]);
    const winner = race.find((response) => response.status === 201)!;
    const loser = race.find((response) => response.status === 429)!;
    expect(winner.body.remainingToday).toBe(0);
    expect(loser.body.error).toBe("RATE_LIMITED");
    expect(loser.body.message).toMatch(/all 2 submissions for today/);
    expect(Number(loser.headers.get("retry-after"))).toBeGreaterThan(0);
    const race2 = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "race-mnist" } });
    expect(await database.prisma.submission.count({ where: { competitionId: race2.id, userId: world.users.racer.id } })).toBe(2);

    // Once the day's slots are gone the next upload is refused before its body is read.
    const after = await racer.submit("race-mnist", { preprocessing: "raw" }, [model]);
    expect(after.status).toBe(429);
    expect(Number(after.headers.get("retry-after"))).toBeLessThanOrEqual(24 * 3600);

    // The submit page and the competition page refuse with the very same message (lib/submissions/admission.ts).
    const cookie = await sessionCookie(server.url, world.users.racer.email);
    for (const pagePath of ["/c/race-mnist/submit", "/c/race-mnist"]) {
      const page = await fetch(`${server.url}${pagePath}`, { headers: { Cookie: cookie } });
      expect(page.status).toBe(200);
      expect(await page.text(), pagePath).toContain(after.body.message);
    }
  });
});

describe("following a submission, reports, leaderboards and exports", () => {
  let queuedId: string;
  let scoredId: string;
  let publicIndex: number;
  let privateIndex: number;

  beforeAll(async () => {
    const prisma = database.prisma;
    const mnist = await prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
    const queued = await as("ada").submit("mnist", { note: "queued one" }, [fixture("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(queued.status).toBe(201);
    queuedId = queued.body.submission.id;

    // A scored submission as the worker leaves it: score, report, misclassified examples. One
    // private-split index is planted in the list to prove the image route refuses it.
    const test = await loadDataset("mnist", "test");
    const split = splitPublicPrivate(test.labels, { seed: mnist.splitSeed, publicFraction: mnist.publicFraction });
    publicIndex = split.publicIndices[17];
    privateIndex = split.privateIndices[17];
    const scored = await prisma.submission.create({
      data: {
        competitionId: mnist.id,
        userId: world.users.ada.id,
        kind: "WEIGHTS",
        format: "keras",
        status: "SCORED",
        createdAt: new Date(Date.now() - 3600_000),
        finishedAt: new Date(),
        score: { create: { publicScore: 0.99, privateScore: 0.985, publicLoss: 0.03, privateLoss: 0.04 } },
        report: {
          create: {
            backend: "wasm",
            metrics: { accuracy: 0.99 },
            privateMetrics: { accuracy: 0.985 },
            misclassified: [
              { index: publicIndex, predicted: 3, actual: test.labels[publicIndex], confidence: 0.8 },
              { index: privateIndex, predicted: 1, actual: test.labels[privateIndex], confidence: 0.7 },
            ],
          },
        },
      },
    });
    scoredId = scored.id;
  });

  it("shows the status of a queued submission with its place in the queue", async () => {
    const response = await as("ada").get(`/api/v1/submissions/${queuedId}`);
    expect(response.status).toBe(200);
    expect(response.body.submission).toMatchObject({
      id: queuedId,
      competition: { slug: "mnist", title: "MNIST digits", closed: false },
      kind: "weights",
      note: "queued one",
      status: "QUEUED",
      score: null,
      failureReason: null,
      url: `${server.url}/api/v1/submissions/${queuedId}`,
      reportUrl: `${server.url}/api/v1/submissions/${queuedId}/report`,
      pageUrl: `${server.url}/c/mnist/submissions/${queuedId}`,
      curves: null,
    });
    expect(response.body.submission.queuePosition).toBeGreaterThanOrEqual(1);
    const report = await as("ada").get(`/api/v1/submissions/${queuedId}/report`);
    expect(report.status).toBe(409);
    expect(report.body).toMatchObject({ error: "CONFLICT", status: "QUEUED" });
    expect(report.body.message).toContain("Poll");
  });

  it("hides private scores from students until the close, but not from instructors", async () => {
    const student = await as("ada").get(`/api/v1/submissions/${scoredId}`);
    expect(student.body.submission.score).toMatchObject({ metric: "accuracy", public: 0.99, publicLoss: 0.03, private: null, privateLoss: null, privateInterval: null });
    // Nothing else about the private split (and no per-example results) is in the answer.
    expect(Object.keys(student.body.submission.score).sort()).toEqual(["ladder", "metric", "private", "privateInterval", "privateLoss", "public", "publicInterval", "publicLoss"]);
    const instructor = await as("instructor").get(`/api/v1/submissions/${scoredId}`);
    expect(instructor.body.submission.score).toMatchObject({ public: 0.99, private: 0.985 });
    const report = await as("ada").get(`/api/v1/submissions/${scoredId}/report`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ id: scoredId, status: "SCORED", viewerIsInstructor: false, report: { backend: "wasm", privateMetrics: null } });
  });

  it("answers 404 for another student's submission, its report and its images", async () => {
    for (const pathname of [`/api/v1/submissions/${scoredId}`, `/api/v1/submissions/${scoredId}/report`, `/api/v1/submissions/${scoredId}/misclassified/0.png`, "/api/v1/submissions/nope"]) {
      const response = await as("alan").get(pathname);
      expect(response.status, pathname).toBe(404);
      expect(response.body.error).toBe("NOT_FOUND");
    }
    expect((await as("otherInstructor").get(`/api/v1/submissions/${scoredId}`)).status).toBe(404);
  });

  it("serves a public-split misclassified example as a PNG, and never a private one", async () => {
    const response = await as("ada").raw(`/api/v1/submissions/${scoredId}/misclassified/0.png?scale=2`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const png = PNG.sync.read(Buffer.from(await response.arrayBuffer()));
    expect([png.width, png.height]).toEqual([56, 56]);
    const test = await loadDataset("mnist", "test");
    // Pixel (10, 14) of the example, drawn 2x2: same grey in R, G and B.
    const expected = test.images[publicIndex * 784 + 14 * 28 + 10];
    const at = (28 * 56 + 20) * 4;
    expect([png.data[at], png.data[at + 1], png.data[at + 2], png.data[at + 3]]).toEqual([expected, expected, expected, 255]);

    const privateOne = await as("ada").get(`/api/v1/submissions/${scoredId}/misclassified/1.png`);
    expect(privateOne.status).toBe(403);
    expect(privateOne.body.message).toContain("public");
    expect((await as("ada").get(`/api/v1/submissions/${scoredId}/misclassified/2.png`)).status).toBe(404);
    expect((await as("ada").get(`/api/v1/submissions/${scoredId}/misclassified/zero.png`)).status).toBe(404);
    expect((await as("ada").get(`/api/v1/submissions/${scoredId}/misclassified/0.png?scale=9`)).status).toBe(400);
    expect((await as("ada").get(`/api/v1/submissions/${queuedId}/misclassified/0.png`)).status).toBe(409);
  });

  it("lists the caller's own submissions in a competition", async () => {
    const response = await as("ada").get("/api/v1/competitions/mnist/submissions");
    expect(response.status).toBe(200);
    const ids = response.body.submissions.map((row: { id: string }) => row.id);
    expect(ids).toContain(queuedId);
    expect(ids).toContain(scoredId);
    expect(response.body.submissions.find((row: { id: string }) => row.id === scoredId)).toMatchObject({ status: "SCORED", publicScore: 0.99, privateScore: null });
  });

  it("shows the public leaderboard, and the private one to instructors only before the close", async () => {
    const board = await as("alan").get("/api/v1/competitions/mnist/leaderboard");
    expect(board.status).toBe(200);
    expect(board.body).toMatchObject({ competition: { slug: "mnist", phase: "open" }, board: "public" });
    expect(board.body.rows[0]).toMatchObject({ rank: 1, entrant: { type: "user", name: "Ada Student" }, score: 0.99, entries: 1, isBaseline: false });
    expect(board.body.rows[0].entrant).not.toHaveProperty("email");

    const hidden = await as("alan").get("/api/v1/competitions/mnist/leaderboard?board=private");
    expect(hidden.status).toBe(403);
    expect(hidden.body.message).toContain("public leaderboard");
    const preview = await as("instructor").get("/api/v1/competitions/mnist/leaderboard?board=private");
    expect(preview.status).toBe(200);
    expect(preview.body.rows[0]).toMatchObject({ rank: 1, score: 0.985, publicRank: 1, rankChange: 0 });
    expect((await as("alan").get("/api/v1/competitions/mnist/leaderboard?board=final")).status).toBe(400);
    expect((await as("alan").get("/api/v1/competitions/other-mnist/leaderboard")).status).toBe(404);
  });

  it("after the close: no more uploads (403), and the private board and private scores are revealed", async () => {
    const prisma = database.prisma;
    const mnist = await prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
    const { id: _id, slug: _slug, createdAt: _c, updatedAt: _u, ...settings } = mnist;
    const closed = await prisma.competition.create({
      data: { ...settings, slug: "closed-mnist", title: "Closed MNIST", opensAt: new Date(Date.now() - 7 * 86400_000), closesAt: new Date(Date.now() - 86400_000) } as never,
    });
    const submission = await prisma.submission.create({
      data: { competitionId: closed.id, userId: world.users.ada.id, kind: "WEIGHTS", status: "SCORED", createdAt: new Date(Date.now() - 2 * 86400_000), score: { create: { publicScore: 0.97, privateScore: 0.96 } } },
    });

    const upload = await as("ada").submit("closed-mnist", {}, [fixture("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(upload.status).toBe(403);
    expect(upload.body.message).toContain("closed at");
    const page = await fetch(`${server.url}/c/closed-mnist/submit`, { headers: { Cookie: await sessionCookie(server.url, world.users.ada.email) } });
    expect(await page.text()).toContain(upload.body.message);

    const board = await as("alan").get("/api/v1/competitions/closed-mnist/leaderboard?board=private");
    expect(board.status).toBe(200);
    expect(board.body).toMatchObject({ competition: { phase: "closed" }, board: "private", rows: [{ rank: 1, score: 0.96, publicScore: 0.97, entrant: { name: "Ada Student" } }] });
    const status = await as("ada").get(`/api/v1/submissions/${submission.id}`);
    expect(status.body.submission).toMatchObject({ competition: { closed: true }, score: { public: 0.97, private: 0.96 } });
  });

  it("exports grades and leaderboards as CSV to the course's instructors only (403 for anyone else)", async () => {
    const grades = await as("instructor").raw("/api/v1/competitions/mnist/grades.csv");
    expect(grades.status).toBe(200);
    expect(grades.headers.get("content-type")).toContain("text/csv");
    expect(grades.headers.get("content-disposition")).toBe('attachment; filename="mnist-grades.csv"');
    const text = await grades.text();
    expect(text.split("\r\n")[0]).toBe("student_id,email,name,best_private_score,final_private_score,grade,note");
    expect(text).toContain("ada@holdout.test");

    const board = await as("instructor").raw("/api/v1/competitions/mnist/leaderboard.csv?board=private");
    expect(board.status).toBe(200);
    expect(board.headers.get("content-disposition")).toBe('attachment; filename="mnist-private-leaderboard.csv"');
    expect((await board.text()).split("\r\n")[0]).toContain("rank_change");
    // mnist is still open: the default board is the public one (the private one after the close).
    const openBoard = await as("instructor").raw("/api/v1/competitions/mnist/leaderboard.csv");
    expect(openBoard.headers.get("content-disposition")).toBe('attachment; filename="mnist-public-leaderboard.csv"');

    const canvas = await as("instructor").raw("/api/v1/competitions/mnist/grades.csv?format=canvas");
    expect(canvas.headers.get("content-disposition")).toBe('attachment; filename="mnist-grades-canvas.csv"');
    expect((await canvas.text()).split("\r\n").slice(0, 2)[1]).toMatch(/^Points Possible,,,,,\d/);
    const moodle = await as("instructor").raw("/api/v1/competitions/mnist/grades.csv?format=moodle");
    expect((await moodle.text()).split("\r\n")[0]).toMatch(/^ID number,Email address,/);

    for (const file of ["grades.csv", "grades.csv?format=canvas", "grades.csv?format=moodle", "leaderboard.csv"]) {
      const refused = await as("ada").get(`/api/v1/competitions/mnist/${file}`);
      expect(refused.status, `ada ${file}`).toBe(403);
      // Grades and boards are for the course's staff: its instructors and TAs.
      expect(refused.body.message).toContain("Only instructors and teaching assistants of this course");
      // Another course's instructor learns nothing, not even that the competition exists.
      expect((await as("otherInstructor").get(`/api/v1/competitions/mnist/${file}`)).status, `otherInstructor ${file}`).toBe(404);
    }
    expect((await as("instructor").get("/api/v1/competitions/no-such-thing/grades.csv")).status).toBe(404);
  });
});

describe("scored by a real worker", () => {
  it("goes from QUEUED to SCORED, with a report and viewable misclassified examples", async () => {
    const prisma = database.prisma;
    const response = await as("alan").submit("mnist", { preprocessing: "raw", note: "scored for real" }, [fixture("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const id: string = response.body.submission.id;
    // Only this submission is scored here: the others' jobs stay out of the worker's way.
    await prisma.job.updateMany({ where: { status: "PENDING", submissionId: { not: id } }, data: { status: "CANCELLED" } });

    const log: string[] = [];
    const worker = startWorker({ prisma, concurrency: 1, backend: "wasm", pollIntervalMs: 200, log: (line) => log.push(line) });
    try {
      const seen = new Set<string>();
      const final = await waitFor(
        "the submission to be scored",
        async () => {
          const status = await as("alan").get(`/api/v1/submissions/${id}`);
          seen.add(status.body.submission.status);
          return ["SCORED", "FAILED", "CANCELLED"].includes(status.body.submission.status) ? status.body.submission : undefined;
        },
        150_000,
        300,
      );
      expect(final.status, `${final.failureReason}\n${log.join("\n")}`).toBe("SCORED");
      expect(final.score.public).toBeGreaterThan(0.97);
      expect(final.score.private).toBeNull();
      expect(final.format).toMatch(/HDF5/);

      const report = await as("alan").get(`/api/v1/submissions/${id}/report`);
      expect(report.status).toBe(200);
      expect(report.body.report.misclassified.length).toBeGreaterThan(0);
      const image = await as("alan").raw(`/api/v1/submissions/${id}/misclassified/0.png`);
      expect(image.status).toBe(200);
      const png = PNG.sync.read(Buffer.from(await image.arrayBuffer()));
      expect([png.width, png.height]).toEqual([28, 28]);

      const board = await as("alan").get("/api/v1/competitions/mnist/leaderboard");
      expect(board.body.rows.map((row: { entrant: { name: string } }) => row.entrant.name)).toContain("Alan Student");
    } finally {
      await worker.stop();
    }
  }, 200_000);
});

describe("pages", () => {
  let browser: Browser;
  afterAll(async () => {
    await browser?.close();
  });

  it("documents every endpoint with a curl example at /api/docs, without signing in", async () => {
    const response = await fetch(`${server.url}/api/docs`);
    expect(response.status).toBe(200);
    const html = (await response.text()).replaceAll("&quot;", '"').replaceAll("&amp;", "&");
    for (const endpoint of ENDPOINTS) {
      expect(html, endpoint.path).toContain(endpoint.path);
      expect(html).toContain(endpoint.curl.split("\n")[0]);
    }
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(`${server.url}/api/docs`);
    expect(await page.getByRole("heading", { name: "Holdout API" }).isVisible()).toBe(true);
    await screenshot(page, "api-docs");
    await page.close();
  });

  it("lets a student create a token on the account page (shown once, with a copy button), use it, and revoke it", async () => {
    browser ??= await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, server.url, "alan@holdout.test", DEFAULT_DEMO_PASSWORD);
    await page.goto(`${server.url}/account`);
    await page.getByLabel("New token name").fill("Colab notebook");
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByTestId("new-token");
    await shown.waitFor();
    const token = (await shown.textContent())!.trim();
    expect(token).toMatch(/^hdt_/);
    expect(await page.getByText("it is shown only once").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Copy" }).isVisible()).toBe(true);
    await screenshot(page, "account-api-tokens");

    expect((await client(server.url, token).get("/api/v1/me")).body.user.email).toBe("alan@holdout.test");

    // After a reload only the prefix is left.
    await page.reload();
    expect(await page.getByTestId("new-token").count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    const row = page.getByRole("row", { name: /Colab notebook/ });
    expect(await row.textContent()).toContain(`${token.slice(0, 10)}…`);

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Revoke Colab notebook" }).click();
    await page.getByText("Token revoked").waitFor();
    expect((await client(server.url, token).get("/api/v1/me")).status).toBe(401);
    await context.close();
  });
});
