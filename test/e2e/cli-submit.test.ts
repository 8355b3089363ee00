import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_PATTERN } from "@/lib/tokens/tokens";
import { startWorker } from "@/worker/worker";
import { runHoldout, type CliResult } from "@/test/helpers/cli";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { fixturePath, MLP_ARCHITECTURE, seedApiWorld, type ApiWorld } from "@/test/integration/api/helpers";

const MAX_UPLOAD_MB = 6;

let database: TestDatabase;
let server: TestServer;
let world: ApiWorld;
let tmp: string;

beforeAll(async () => {
  database = await createTestDatabase();
  world = await seedApiWorld(database.prisma);
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_MAX_UPLOAD_MB: String(MAX_UPLOAD_MB) } });
  tmp = await mkdtemp(path.join(os.tmpdir(), "holdout-cli-test-"));
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** `node bin/holdout.mjs ...` from a directory of its own, with no URL or token unless given. */
function holdout(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runHoldout(args, { cwd: tmp, env: { HOLDOUT_URL: undefined, HOLDOUT_TOKEN: undefined, DATABASE_URL: database.url, ...env } });
}

/** The JSON documents printed one after another on stdout. */
function jsonDocuments(stdout: string): any[] {
  return stdout
    .split(/^(?=\{)/m)
    .filter((part) => part.trim())
    .map((part) => JSON.parse(part));
}

const remote = () => ["--url", server.url, "--token", world.tokens.alan];

describe("holdout token", () => {
  let token: string;

  it("creates a token for a user (printed once), lists it, and revokes it", async () => {
    const created = await holdout(["token", "create", "--user", "ada@holdout.test", "--name", "laptop"]);
    expect(created.code, created.stderr).toBe(0);
    token = created.stdout.trim();
    expect(token).toMatch(TOKEN_PATTERN);
    expect(created.stderr).toContain("shown only now");

    const listed = await holdout(["token", "list", "--user", "ada@holdout.test"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("laptop");
    expect(listed.stdout).toContain(`${token.slice(0, 10)}…`);
    expect(listed.stdout).not.toContain(token);

    const submitted = await holdout(["submit", "--url", server.url, "--token", token, "--competition", "mnist", "--preprocess", "raw", fixturePath("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(submitted.code, submitted.stderr).toBe(0);

    const json = await holdout(["token", "list", "--user", "ada@holdout.test", "--json"]);
    const rows = JSON.parse(json.stdout) as Array<{ id: string; name: string; lastUsedAt: string | null }>;
    const laptop = rows.find((row) => row.name === "laptop")!;
    expect(laptop.lastUsedAt).not.toBeNull();

    const revoked = await holdout(["token", "revoke", "--id", laptop.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('Revoked token "laptop"');

    const refused = await holdout(["submit", "--url", server.url, "--token", token, "--competition", "mnist", fixturePath("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("unknown or was revoked");
    expect(refused.stdout).toBe("");
  }, 120_000);

  it("says what to do for an unknown email or token id", async () => {
    const unknown = await holdout(["token", "create", "--user", "nobody@holdout.test"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No account with the email nobody@holdout.test");
    const noId = await holdout(["token", "revoke", "--id", "nope"]);
    expect(noId.code).toBe(1);
    expect(noId.stderr).toContain("holdout token list");
  });
});

describe("holdout submit", () => {
  it("streams the upload with progress on stderr and prints the API's JSON on stdout", async () => {
    const result = await holdout(["submit", ...remote(), "--competition", "mnist", "--note", "from the terminal", fixturePath("tfjs-layers-mnist-cnn", "model.json"), fixturePath("tfjs-layers-mnist-cnn", "weights.bin")]);
    expect(result.code, result.stderr).toBe(0);
    const [body] = jsonDocuments(result.stdout);
    expect(body).toEqual({
      submission: { id: expect.any(String), status: "QUEUED", url: `${server.url}/api/v1/submissions/${body.submission.id}`, pageUrl: `${server.url}/c/mnist/submissions/${body.submission.id}` },
      warnings: expect.any(Array),
      remainingToday: expect.any(Number),
    });
    expect(result.stderr).toMatch(/^upload 0% /m);
    expect(result.stderr).toMatch(/^upload 100% \(3\.\d\/3\.\d MB\)$/m);
    const stored = await database.prisma.submission.findUniqueOrThrow({ where: { id: body.submission.id }, include: { files: true } });
    expect(stored.note).toBe("from the terminal");
    expect(stored.files.map((file) => file.name).sort()).toEqual(["model.json", "weights.bin"]);
  });

  it("reads the URL and token from HOLDOUT_URL / HOLDOUT_TOKEN, and submits a definition with training settings", async () => {
    const architecture = path.join(tmp, "architecture.json");
    const settings = path.join(tmp, "settings.json");
    await writeFile(architecture, MLP_ARCHITECTURE);
    await writeFile(settings, JSON.stringify({ optimizer: "sgd", learningRate: 0.01, batchSize: 32, epochs: 1 }));
    const result = await holdout(["submit", "--competition", "mnist", "--kind", "definition", "--training-settings", settings, architecture], { HOLDOUT_URL: server.url, HOLDOUT_TOKEN: world.tokens.alan });
    expect(result.code, result.stderr).toBe(0);
    const [body] = jsonDocuments(result.stdout);
    const stored = await database.prisma.submission.findUniqueOrThrow({ where: { id: body.submission.id } });
    expect(stored).toMatchObject({ kind: "DEFINITION", trainingSettings: { optimizer: "sgd", epochs: 1 } });
  });

  it("exits non-zero with the API's message (and the list of problems) on stderr", async () => {
    const broken = path.join(tmp, "broken.h5");
    await writeFile(broken, "not an HDF5 file");
    const unprocessable = await holdout(["submit", ...remote(), "--competition", "mnist", broken]);
    expect(unprocessable.code).toBe(1);
    expect(unprocessable.stdout).toBe("");
    expect(unprocessable.stderr).toMatch(/^holdout: /m);
    expect(unprocessable.stderr.length).toBeGreaterThan(30);

    const otherCourse = await holdout(["submit", ...remote(), "--competition", "other-mnist", fixturePath("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(otherCourse.code).toBe(1);
    expect(otherCourse.stderr).toContain('No competition "other-mnist" in your courses');

    const big = path.join(tmp, "big.h5");
    await writeFile(big, Buffer.alloc((MAX_UPLOAD_MB + 1) * 1024 * 1024));
    const tooLarge = await holdout(["submit", ...remote(), "--competition", "mnist", big]);
    expect(tooLarge.code).toBe(1);
    expect(tooLarge.stderr).toContain(`over the ${MAX_UPLOAD_MB} MB limit`);

    const noToken = await holdout(["submit", "--url", server.url, "--competition", "mnist", broken]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain("--token (or set HOLDOUT_TOKEN)");

    const missing = await holdout(["submit", ...remote(), "--competition", "mnist", path.join(tmp, "no-such-model.keras")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot read");

    const unreachable = await holdout(["submit", "--url", "http://127.0.0.1:9", "--token", world.tokens.alan, "--competition", "mnist", broken]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("Could not reach http://127.0.0.1:9");
  }, 60_000);

  it("with --wait, follows the submission to its score and prints the final status as JSON", async () => {
    const prisma = database.prisma;
    await prisma.job.updateMany({ where: { status: "PENDING" }, data: { status: "CANCELLED" } });
    const worker = startWorker({ prisma, concurrency: 1, backend: "wasm", pollIntervalMs: 200, log: () => {} });
    try {
      const result = await holdout(["submit", "--url", server.url, "--token", world.tokens.ada, "--competition", "mnist", "--preprocess", "raw", "--wait", "--poll-interval", "0.5", fixturePath("keras2-h5-mnist-cnn", "mnist1.h5")]);
      expect(result.code, result.stderr).toBe(0);
      const [created, final] = jsonDocuments(result.stdout);
      expect(final).toMatchObject({ id: created.submission.id, status: "SCORED", failureReason: null });
      expect(final.publicScore).toBeGreaterThan(0.97);
      expect(final.score).toMatchObject({ metric: "accuracy", private: null });
      expect(result.stderr).toMatch(/^SCORED$/m);
    } finally {
      await worker.stop();
    }
  }, 180_000);
});

describe("holdout leaderboard", () => {
  it("prints the board as a table, or as JSON", async () => {
    const table = await holdout(["leaderboard", "--url", server.url, "--token", world.tokens.alan, "--competition", "mnist"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("MNIST digits: public leaderboard (open)");
    expect(table.stdout).toMatch(/^rank\s+name\s+score\s+entries\s+last submission$/m);
    expect(table.stdout).toMatch(/^1\s+Ada Student\s+0\.9\d{3}\s+1\s/m);

    const json = await holdout(["leaderboard", "--url", server.url, "--token", world.tokens.alan, "--competition", "mnist", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ board: "public", rows: [{ rank: 1, entrant: { name: "Ada Student" } }] });

    const hidden = await holdout(["leaderboard", "--url", server.url, "--token", world.tokens.alan, "--competition", "mnist", "--board", "private"]);
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toContain("private leaderboard is revealed when the competition closes");
  });
});
