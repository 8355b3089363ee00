/**
 * The abuse corpus, generated here and sent through the real upload route of a real server:
 * zip bombs, archive path traversal, uploads over the size limit (an endless chunked body
 * included), giant declared weights, NaN weights, wrong dtypes, truncated shards, random bytes
 * named .h5, Lambda layers, JSON nested 100k deep, odd file names, broken multipart.
 *
 * Each is refused with a message that says what is wrong (asserted on its words). Afterwards no
 * Submission, Job, SubmissionFile or Blob row is left behind, the server's memory stayed bounded
 * (read from /proc/<pid>/status of `next start`), and the server still answers.
 */
import http from "node:http";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createApiToken } from "@/lib/tokens/tokens";
import { TINY_MLP_JSON, tinyMlpFiles, tinyMlpWeights } from "@/scripts/load/tiny-model";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { serverMemory, watchServerMemory, type MemorySample } from "@/test/helpers/system";
import { client, streamEndlessUpload, submissionForm } from "@/test/integration/api/helpers";

const MAX_UPLOAD_MB = 8;
const LIMIT_BYTES = MAX_UPLOAD_MB * 1024 * 1024;

let database: TestDatabase;
let server: TestServer;
let token: string;
let port: number;
let baseline: MemorySample;
let watcher: { stop(): number };
const results: Array<{ name: string; status: number; message: string; ms: number }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  // A daily limit that the corpus cannot use up: refusals must never count, but if one slipped
  // through as a stored submission, the row checks below would say so.
  await database.prisma.competition.update({ where: { slug: "mnist" }, data: { dailyLimit: 1000 } });
  const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
  token = (await createApiToken(database.prisma, ada.id, "abuse")).token;
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_MAX_UPLOAD_MB: String(MAX_UPLOAD_MB), HOLDOUT_API_RATE_LIMIT: "100000" } });
  port = Number(new URL(server.url).port);
  // Warm up the upload path (TF.js and the HDF5 reader load on first use), then take the baseline.
  await client(server.url, token).submit("mnist", {}, [{ name: "warmup.h5", data: new Uint8Array(64) }]);
  baseline = serverMemory(port);
  watcher = watchServerMemory(port, 25);
}, 400_000);

afterAll(async () => {
  watcher?.stop();
  await server?.stop();
  await database?.drop();
});

const ada = () => client(server.url, token);

/** A multipart body written by hand, for file names no HTTP client would send as they are. */
function rawMultipart(parts: Array<{ header: string; data: Uint8Array | string }>, boundary = "holdout-abuse-boundary", close = true): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; ${part.header}\r\n\r\n`, "latin1"));
    chunks.push(Buffer.from(part.data));
    chunks.push(Buffer.from("\r\n"));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A file part whose name is sent RFC 5987-encoded (filename*=UTF-8''...), byte for byte. */
const encodedName = (name: string, data: Uint8Array | string) => ({ header: `name="files"; filename*=UTF-8''${encodeURIComponent(name)}`, data });

async function postRaw(body: Buffer, contentType: string) {
  return ada().post("/api/v1/competitions/mnist/submissions", new Uint8Array(body), { headers: { "Content-Type": contentType } });
}

function manifest(): { json: Record<string, any>; weights: Array<{ name: string; shape: number[]; dtype: string }> } {
  const json = JSON.parse(TINY_MLP_JSON);
  return { json, weights: json.weightsManifest[0].weights };
}

const text = (value: unknown) => strToU8(typeof value === "string" ? value : JSON.stringify(value));
const randomBytes = (length: number, seed: number) => {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
};

/** A Keras `model.to_json()` with a Lambda layer, as Keras 2 writes it. */
const LAMBDA_ARCHITECTURE = {
  class_name: "Sequential",
  config: {
    name: "sequential",
    layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, 28, 28, 1], dtype: "float32", name: "input_1" } },
      { class_name: "Lambda", config: { name: "scale", function: ["4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARsAUwCpAk7p/wAAAKkAKQHaAXhyAgAAAHICAAAA+h48aXB5dGhvbi1pbnB1dC0xLTFiOWQ0YzI4NjY2Mj7aCDxsYW1iZGE+AQAAAPMAAAAA", null, null], function_type: "lambda", output_shape: null } },
      { class_name: "Flatten", config: { name: "flatten" } },
      { class_name: "Dense", config: { name: "dense", units: 10, activation: "softmax" } },
    ],
  },
  keras_version: "2.15.0",
  backend: "tensorflow",
};

interface AbuseCase {
  name: string;
  send: () => Promise<{ status: number; body: any }>;
  status: number;
  error: string;
  message: RegExp;
}

function cases(): AbuseCase[] {
  const model = () => tinyMlpFiles(5);
  const submitFiles = (files: Array<{ name: string; data: Uint8Array }>, fields: Record<string, string> = {}) => () => ada().submit("mnist", fields, files);
  const unprocessable = (name: string, send: AbuseCase["send"], message: RegExp): AbuseCase => ({ name, send, status: 422, error: "UNPROCESSABLE", message });
  const badRequest = (name: string, send: AbuseCase["send"], message: RegExp): AbuseCase => ({ name, send, status: 400, error: "BAD_REQUEST", message });

  const list: AbuseCase[] = [];

  // Zip bombs: 64 MiB of zeros that deflate to ~64 KB; and an entry inflating past what its header says.
  list.push(
    unprocessable(
      "zip bomb (.keras with a 1000x entry)",
      submitFiles([{ name: "model.keras", data: zipSync({ "config.json": text("{}"), "metadata.json": text("{}"), "model.weights.h5": new Uint8Array(64 * 1024 * 1024) }, { level: 9 }) }]),
      /model\.keras: entry "model\.weights\.h5" claims to expand \d+x \(to 64 MiB\); at most 100x is accepted/,
    ),
  );
  const liar = zipSync({ "config.json": text("{}"), "model.weights.h5": new Uint8Array(400_000).fill(3) });
  const view = new DataView(liar.buffer);
  for (let i = 0; i + 30 < liar.length; i++) {
    if (view.getUint32(i, true) === 0x04034b50 && view.getUint32(i + 22, true) === 400_000) view.setUint32(i + 22, 1000, true);
    if (view.getUint32(i, true) === 0x02014b50 && view.getUint32(i + 24, true) === 400_000) view.setUint32(i + 24, 1000, true);
  }
  list.push(unprocessable("zip entry inflating past its declared size", submitFiles([{ name: "model.keras", data: liar }]), /decompresses to more data than its header declares \(1000 B\)/));

  // Path traversal inside archives.
  for (const entry of ["../../etc/passwd", "/etc/passwd", "assets/../../../root/.ssh/authorized_keys", "C:\\Windows\\evil.dll"]) {
    list.push(unprocessable(`archive entry ${entry}`, submitFiles([{ name: "model.keras", data: zipSync({ "config.json": text("{}"), [entry]: text("root:x:0:0") }) }]), /contains an entry with an unsafe path .*(absolute, or climbing out with "\.\.")/));
  }

  // Over the size limit: a declared length, and too many files. (The endless stream has its own test.)
  list.push({
    name: "declared Content-Length over the limit",
    send: submitFiles([{ name: "big.h5", data: new Uint8Array(LIMIT_BYTES + 1024 * 1024) }]),
    status: 413,
    error: "PAYLOAD_TOO_LARGE",
    message: new RegExp(`over the ${MAX_UPLOAD_MB} MB limit for all files together`),
  });
  list.push({
    name: "101 files",
    send: submitFiles(Array.from({ length: 101 }, (_, i) => ({ name: `group1-shard${i + 1}of101.bin`, data: new Uint8Array(16) }))),
    status: 413,
    error: "PAYLOAD_TOO_LARGE",
    message: /more than 100 files/,
  });

  // Weights.
  const giant = manifest();
  giant.weights[0].shape = [1_000_000, 1_000_000];
  list.push(unprocessable("model.json declaring a 1e12-element weight", submitFiles([{ name: "model.json", data: text(giant.json) }, model()[1]]), /shape \[1000000, 1000000\] \(1,000,000,000,000 values\)/));
  const poisoned = tinyMlpWeights(5);
  poisoned[3] = Number.NaN;
  poisoned[40] = Number.POSITIVE_INFINITY;
  list.push(unprocessable("NaN and Inf weights", submitFiles(tinyMlpFiles(5, poisoned)), /contains 2 NaN or infinite value\(s\) out of 6,272: training diverged/));
  const float64 = manifest();
  float64.weights[1].dtype = "float64";
  list.push(unprocessable("weight of dtype float64", submitFiles([{ name: "model.json", data: text(float64.json) }, model()[1]]), /Weight "hidden\/bias" has dtype "float64"; layers models may only use float32/));
  const stringDtype = manifest();
  stringDtype.weights[0].dtype = "string";
  list.push(unprocessable("weight of dtype string", submitFiles([{ name: "model.json", data: text(stringDtype.json) }, model()[1]]), /dtype "string"/));
  list.push(unprocessable("truncated shard", submitFiles([model()[0], { name: "weights.bin", data: model()[1].data.slice(0, 10_000) }]), /weights\.bin holds .* but model\.json needs 25,480 bytes; the data ends inside weight "hidden\/kernel"/));
  list.push(unprocessable("missing shard", submitFiles([model()[0]]), /needs weight file\(s\) "weights\.bin", which were not uploaded/));

  // Not models at all.
  list.push(unprocessable("random bytes named .h5", submitFiles([{ name: "model.h5", data: randomBytes(100_000, 1) }]), /^model\.h5: not a recognized model \(expected a \.keras zip, an HDF5 \.h5 file, or a TF\.js model\.json/));
  const fakeHdf5 = randomBytes(100_000, 2);
  fakeHdf5.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  list.push(unprocessable("HDF5 signature over random bytes", submitFiles([{ name: "model.h5", data: fakeHdf5 }]), /model\.h5 is damaged: HDF5 cannot read it/));
  list.push(unprocessable("random bytes named .keras", submitFiles([{ name: "model.keras", data: randomBytes(50_000, 3) }]), /^model\.keras: not a recognized model/));

  // Python code inside the model.
  list.push(
    unprocessable(
      "Lambda layer (definition)",
      submitFiles([{ name: "architecture.json", data: text(LAMBDA_ARCHITECTURE) }], { kind: "definition", trainingSettings: JSON.stringify({ epochs: 1 }) }),
      /Layer 'scale' is a Lambda layer: it contains Python code, which Holdout cannot run/,
    ),
  );
  list.push(
    unprocessable(
      "Lambda layer (.keras archive)",
      submitFiles([{ name: "model.keras", data: zipSync({ "config.json": text(LAMBDA_ARCHITECTURE), "metadata.json": text({ keras_version: "3.6.0" }), "model.weights.h5": new Uint8Array(0) }) }]),
      /Layer 'scale' is a Lambda layer/,
    ),
  );

  // JSON nested 100,000 levels deep: as a model, as a history, and (as deep as 64 KB allows) as training settings.
  const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
  list.push(unprocessable("model.json nested 100k levels", submitFiles([{ name: "model.json", data: text(`{"format": "layers-model", "modelTopology": ${deep(100_000)}, "weightsManifest": []}`) }]), /model\.json nests objects\/arrays more than 100 levels deep/));
  list.push(
    unprocessable(
      "trainingSettings nested 30k levels",
      submitFiles([{ name: "architecture.json", data: text(JSON.parse(TINY_MLP_JSON).modelTopology) }], { kind: "definition", trainingSettings: `{"epochs": ${deep(30_000)}}` }),
      /Training setting epochs/,
    ),
  );

  // Odd file names: the name is kept as sent (base name only) and quoted back, or refused with a reason.
  for (const name of ["modèle ✓ 模型.h5", "\u202Egnp.h5", "emoji-🧠.h5"]) {
    list.push(unprocessable(`file name ${JSON.stringify(name)}`, async () => postRaw(...rawArgs([encodedName(name, randomBytes(5000, 4))])), new RegExp(`^${escapeRegExp(name)}: not a recognized model`)));
  }
  list.push(unprocessable('file name "my model (final) v2.h5"', async () => postRaw(...rawArgs([{ header: 'name="files"; filename="my model (final) v2.h5"', data: randomBytes(5000, 5) }])), /^my model \(final\) v2\.h5: not a recognized model/));
  list.push(unprocessable('file name "../../etc/passwd.h5" (folders dropped)', async () => postRaw(...rawArgs([{ header: 'name="files"; filename="../../etc/passwd.h5"', data: randomBytes(5000, 5) }])), /^passwd\.h5: not a recognized model/));
  list.push(badRequest('file name ".."', async () => postRaw(...rawArgs([{ header: 'name="files"; filename=".."', data: "xyz" }])), /The file name "\.\." has no usable base name/));
  list.push(badRequest('file name "models/.."', async () => postRaw(...rawArgs([{ header: 'name="files"; filename="models/.."', data: "xyz" }])), /has no usable base name/));
  list.push(badRequest("file name of 300 characters", async () => postRaw(...rawArgs([encodedName(`${"a".repeat(300)}.h5`, "xyz")])), /A file name is over 255 characters/));
  list.push(badRequest("file name with a BEL control character", async () => postRaw(...rawArgs([encodedName("mod\u0007el.h5", "xyz")])), /"mod\\u0007el\.h5" contains control characters/));
  list.push(badRequest("file name with NUL", async () => postRaw(...rawArgs([encodedName("model.h5\u0000.png", "xyz")])), /contains control characters/));
  list.push(badRequest("file name with a newline (header injection)", async () => postRaw(...rawArgs([encodedName("model.h5\r\nX-Injected: 1", "xyz")])), /contains control characters/));

  // Broken multipart.
  list.push(badRequest("multipart body cut off mid-file", async () => postRaw(...rawArgs([{ header: 'name="files"; filename="model.h5"', data: randomBytes(1000, 6) }], false)), /broke off|Upload it again|not usable|upload/i));
  list.push(badRequest("multipart without a boundary", async () => ada().post("/api/v1/competitions/mnist/submissions", "whatever", { headers: { "Content-Type": "multipart/form-data" } }), /multipart\/form-data/));
  return list;
}

function rawArgs(parts: Array<{ header: string; data: Uint8Array | string }>, close = true): [Buffer, string] {
  const { body, contentType } = rawMultipart(parts, "holdout-abuse-boundary", close);
  return [body, contentType];
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("abuse corpus through the real upload route", () => {
  it("refuses every item with a status and a message that says what is wrong", async () => {
    const failures: string[] = [];
    for (const item of cases()) {
      const started = performance.now();
      const response = await item.send();
      const ms = Math.round(performance.now() - started);
      const message = typeof response.body === "object" && response.body ? String(response.body.message ?? "") : String(response.body);
      results.push({ name: item.name, status: response.status, message: message.slice(0, 160), ms });
      if (response.status !== item.status || response.body?.error !== item.error || !item.message.test(message)) {
        failures.push(`${item.name}: expected ${item.status} ${item.error} ${item.message}, got ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`);
      }
      // Every refusal is quick: nothing is inflated, allocated or run in full.
      if (ms > 20_000) failures.push(`${item.name}: took ${ms} ms`);
    }
    expect(failures.join("\n")).toBe("");
    expect(results.length).toBeGreaterThan(30);
  });

  // Found by this suite: a deeply nested entry once overflowed the stack while being converted
  // to a number (a 500); now any entry that is not a number is refused, naming the file.
  it("a history.json nested 100k levels deep is a 422 naming the file", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const response = await ada().submit("mnist", {}, [...tinyMlpFiles(5), { name: "history.json", data: text(`{"loss": [0.5, ${deep}]}`) }]);
    results.push({ name: "history.json nested 100k levels", status: response.status, message: String(response.body?.message ?? "").slice(0, 160), ms: 0 });
    expect(response.status).toBe(422);
    expect(response.body.message).toMatch(/history\.json/);
  });

  it("refuses an endless chunked upload with 413 while it streams, without buffering it", async () => {
    const before = serverMemory(port).rssMiB;
    const peak = watchServerMemory(port, 20);
    const result = await streamEndlessUpload(`${server.url}/api/v1/competitions/mnist/submissions`, token, { giveUpAfterBytes: 40 * LIMIT_BYTES });
    const peakMiB = peak.stop();
    results.push({ name: "endless chunked upload", status: result.status, message: String(result.body?.message ?? "").slice(0, 160), ms: 0 });
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({ error: "PAYLOAD_TOO_LARGE", maxTotalBytes: LIMIT_BYTES });
    expect(result.body.message).toMatch(new RegExp(`over the ${MAX_UPLOAD_MB} MB limit`));
    // Refused soon after the limit, not after reading everything that was offered.
    expect(result.sentBytes).toBeLessThan(4 * LIMIT_BYTES);
    // At most the limit's worth of file data was held: the server grew by well under 40x the limit.
    console.info(`endless upload: ${Math.round(result.sentBytes / 1048576)} MiB sent before the 413; server RSS ${before} -> peak ${peakMiB} MiB`);
    expect(peakMiB - before).toBeLessThan(8 * MAX_UPLOAD_MB + 64);
  });

  it("two endless uploads at once are both refused, and the server keeps answering meanwhile", async () => {
    const url = `${server.url}/api/v1/competitions/mnist/submissions`;
    const uploads = Promise.all([0, 1].map(() => streamEndlessUpload(url, token, { giveUpAfterBytes: 40 * LIMIT_BYTES })));
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    for (const result of await uploads) expect(result.status).toBe(413);
  });

  it("a slow client that never finishes its upload does not hold the server", async () => {
    // Opens an upload, sends a few bytes, then goes quiet; other requests must still be served.
    const request = http.request(`${server.url}/api/v1/competitions/mnist/submissions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "multipart/form-data; boundary=slow", "Transfer-Encoding": "chunked" },
    });
    request.on("error", () => {});
    request.write('--slow\r\nContent-Disposition: form-data; name="files"; filename="model.h5"\r\n\r\nabc');
    try {
      const started = performance.now();
      const me = await ada().get("/api/v1/me");
      expect(me.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      request.destroy();
    }
  });

  it("afterwards: no Submission, Job, SubmissionFile or Blob row left behind, memory bounded, the server still answers", async () => {
    const prisma = database.prisma;
    const rows = {
      submissions: await prisma.submission.count(),
      jobs: await prisma.job.count(),
      files: await prisma.submissionFile.count(),
      blobs: await prisma.blob.count(),
    };
    expect(rows).toEqual({ submissions: 0, jobs: 0, files: 0, blobs: 0 });

    const peakRss = watcher.stop();
    const after = serverMemory(port);
    console.info(`abuse corpus: server RSS baseline ${baseline.rssMiB} MiB, peak ${peakRss} MiB (VmHWM ${after.peakMiB} MiB), after ${after.rssMiB} MiB over ${results.length} refusals`);
    console.table(results);
    // The 64 MiB zip bomb and the 8 MiB uploads never turn into hundreds of MiB in the server.
    expect(peakRss - baseline.rssMiB).toBeLessThan(400);
    expect(after.rssMiB - baseline.rssMiB).toBeLessThan(250);

    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).database.up).toBe(true);
    // And it still takes a good model.
    const good = await ada().post("/api/v1/competitions/mnist/submissions", submissionForm({ note: "after the abuse" }, tinyMlpFiles(99)));
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(await prisma.job.count()).toBe(1);
  });
});
