/**
 * Faults in the upload store: PostgreSQL refuses the writes of an upload (a trigger raises
 * `disk_full`, SQLSTATE 53100, as a full tablespace would), on the Blob table that holds the
 * files and, in turn, on each of the other tables the upload's transaction writes.
 *
 * The API must answer with a 5xx whose message says what to do (and carries no internals), log
 * the cause for the operator, leave no orphan Submission/Job/SubmissionFile/Blob rows, not count
 * the attempt against the student's daily limit, and take the same upload once the store is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createApiToken } from "@/lib/tokens/tokens";
import { tinyMlpFiles } from "@/scripts/load/tiny-model";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { client } from "@/test/integration/api/helpers";

const DAILY_LIMIT = 3;

let database: TestDatabase;
let server: TestServer;
let token: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  await database.prisma.competition.update({ where: { slug: "mnist" }, data: { dailyLimit: DAILY_LIMIT } });
  const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
  token = (await createApiToken(database.prisma, ada.id, "faults")).token;
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "100000" } });
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

async function failWritesTo(table: string) {
  await database.prisma.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION holdout_test_store_full() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'could not extend file: No space left on device (simulated by the system test)' USING ERRCODE = '53100';
    END $$ LANGUAGE plpgsql`);
  await database.prisma.$executeRawUnsafe(`CREATE TRIGGER holdout_test_store_full BEFORE INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION holdout_test_store_full()`);
}

async function restore(table: string) {
  await database.prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS holdout_test_store_full ON "${table}"`);
}

async function rowCounts() {
  const prisma = database.prisma;
  return { submissions: await prisma.submission.count(), jobs: await prisma.job.count(), files: await prisma.submissionFile.count(), blobs: await prisma.blob.count() };
}

describe("the upload store failing", () => {
  for (const [n, table] of ["Blob", "SubmissionFile", "Submission", "Job"].entries()) {
    it(`writes to "${table}" refused: a clear 5xx, no orphan rows, the attempt not counted; the same upload works once the store is back`, async () => {
      const ada = client(server.url, token);
      // Earlier cases' submissions belong to another day, so today's count starts at 0.
      await database.prisma.submission.updateMany({ data: { createdAt: new Date(Date.now() - 2 * 86400_000) } });
      const before = await rowCounts();
      const files = tinyMlpFiles(1000 + n);
      await failWritesTo(table);
      let refused;
      try {
        refused = await ada.submit("mnist", { note: `while ${table} is full` }, files);
      } finally {
        await restore(table);
      }
      expect([500, 503]).toContain(refused.status);
      expect(["INTERNAL", "UNAVAILABLE"]).toContain(refused.body.error);
      expect(refused.body.message).toMatch(/on our side|try again/i);
      // No internals in the answer, but the cause is in the server's log for the operator.
      expect(JSON.stringify(refused.body)).not.toMatch(/No space left|53100|simulated|prisma|Error:/i);
      expect(server.logs()).toContain("No space left on device (simulated by the system test)");
      // The upload's transaction was rolled back as a whole.
      expect(await rowCounts()).toEqual(before);

      // Back to normal: the same files go through, and the failed attempt did not use up a slot.
      const accepted = await ada.submit("mnist", { note: `after ${table} recovered` }, files);
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
      expect(accepted.body.remainingToday).toBe(DAILY_LIMIT - 1);
      const after = await rowCounts();
      expect(after.submissions).toBe(before.submissions + 1);
      expect(after.jobs).toBe(before.jobs + 1);
      const stored = await database.prisma.submission.findUniqueOrThrow({ where: { id: accepted.body.submission.id }, include: { jobs: true, files: true } });
      expect(stored.jobs).toHaveLength(1);
      expect(stored.files.map((file) => file.name).sort()).toEqual(["model.json", "weights.bin"]);
      // Every stored file's blob is there (no SubmissionFile points at nothing).
      for (const file of stored.files) expect(await database.prisma.blob.count({ where: { sha256: file.blobSha256 } })).toBe(1);
    });
  }

  it("the server stays healthy through all of it", async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    const rows = await rowCounts();
    expect(rows.submissions).toBe(rows.jobs);
  });
});
