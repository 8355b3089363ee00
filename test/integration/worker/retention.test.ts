/**
 * Retention clean-up against a real database: finished jobs older than the retention period and
 * blobs nothing refers to any more are deleted; a blob a submission, a test set or any other
 * table still refers to is never deleted, however old.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { putBlob } from "@/lib/storage/blobs";
import { cleanUpStorage } from "@/lib/storage/retention";
import { startWorker } from "@/worker/worker";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";

let database: TestDatabase;
const DAY = 24 * 3600 * 1000;
const bytes = (text: string) => new TextEncoder().encode(text);

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
});
afterAll(() => database?.drop());

async function storedBlob(text: string, ageDays: number): Promise<string> {
  const { sha256 } = await putBlob(database.prisma, bytes(text));
  await database.prisma.blob.update({ where: { sha256 }, data: { createdAt: new Date(Date.now() - ageDays * DAY) } });
  return sha256;
}

async function submissionWith(blobs: string[]) {
  const prisma = database.prisma;
  const competition = await prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
  const ada = await prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
  return prisma.submission.create({
    data: {
      competitionId: competition.id,
      userId: ada.id,
      kind: "WEIGHTS",
      status: "SCORED",
      files: { create: blobs.map((sha, i) => ({ name: `model${i}.h5`, role: "model", blobSha256: sha, size: 1 })) },
    },
  });
}

async function job(status: "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED", finishedDaysAgo: number | null, createdDaysAgo = finishedDaysAgo ?? 0) {
  return database.prisma.job.create({
    data: {
      type: "evaluate-submission",
      payload: { version: 1, submissionId: "none", rescore: 0 },
      status,
      createdAt: new Date(Date.now() - createdDaysAgo * DAY),
      finishedAt: finishedDaysAgo === null ? null : new Date(Date.now() - finishedDaysAgo * DAY),
    },
  });
}

describe("retention clean-up", () => {
  it("deletes old finished jobs and unreferenced blobs, and nothing anything still refers to", async () => {
    const prisma = database.prisma;
    const course = await prisma.course.findFirstOrThrow();
    const kept = await storedBlob("kept submission's model", 400);
    const shared = await storedBlob("model in a kept and a deleted submission", 400);
    const orphaned = await storedBlob("deleted submission's model", 400);
    const fresh = await storedBlob("orphan written a moment ago", 0);
    const testSetBlob = await storedBlob("an instructor's test set", 400);
    // An old orphan uploaded again (a new submission is about to refer to it): young again, kept.
    const uploadedAgain = await storedBlob("deleted long ago, uploaded again now", 400);
    await putBlob(prisma, bytes("deleted long ago, uploaded again now"));
    const otherTableBlob = await storedBlob("referred to by a table added later", 400);

    await submissionWith([kept, shared]);
    const deleted = await submissionWith([orphaned, shared]);
    await prisma.submission.delete({ where: { id: deleted.id } });
    await prisma.testSet.create({
      data: { courseId: course.id, name: "hidden", format: "npz", blobSha256: testSetBlob, count: 1, shape: [28, 28, 1], classNames: ["a", "b"], perClassCounts: [1, 0] },
    });
    // Any foreign key to "Blob" counts as a reference, not only the tables known today.
    await prisma.$executeRawUnsafe(`CREATE TABLE "RetentionProbe" ("id" text PRIMARY KEY, "fileSha" text NOT NULL REFERENCES "Blob"("sha256"))`);
    await prisma.$executeRawUnsafe(`INSERT INTO "RetentionProbe" VALUES ('one', $1)`, otherTableBlob);

    const oldSucceeded = await job("SUCCEEDED", 40);
    const oldFailed = await job("FAILED", 31);
    const oldCancelledNoTime = await job("CANCELLED", null, 45);
    const recent = await job("SUCCEEDED", 10);
    const pending = await job("PENDING", null, 90);
    const running = await job("RUNNING", null, 90);

    const result = await cleanUpStorage(prisma, { retentionDays: 30 });
    expect(result).toEqual({ ran: true, jobs: 3, blobs: 1 });

    const blobsLeft = new Set((await prisma.blob.findMany({ select: { sha256: true } })).map((blob) => blob.sha256));
    expect(blobsLeft.has(orphaned)).toBe(false);
    for (const sha of [kept, shared, fresh, testSetBlob, otherTableBlob, uploadedAgain]) expect(blobsLeft.has(sha), sha).toBe(true);

    const jobsLeft = new Set((await prisma.job.findMany({ select: { id: true } })).map((row) => row.id));
    for (const gone of [oldSucceeded, oldFailed, oldCancelledNoTime]) expect(jobsLeft.has(gone.id)).toBe(false);
    for (const stays of [recent, pending, running]) expect(jobsLeft.has(stays.id)).toBe(true);

    await prisma.$executeRawUnsafe(`DROP TABLE "RetentionProbe"`);
  });

  it("is run by the worker periodically", { timeout: 60_000 }, async () => {
    const prisma = database.prisma;
    const old = await job("SUCCEEDED", 3);
    const orphan = await storedBlob("orphan found by the worker", 2);
    const lines: string[] = [];
    const worker = startWorker({ prisma, concurrency: 1, backend: "cpu", retentionDays: 1, retentionIntervalMs: 200, log: (line) => lines.push(line) });
    try {
      const deadline = Date.now() + 30_000;
      while ((await prisma.job.count({ where: { id: old.id } })) > 0 || (await prisma.blob.count({ where: { sha256: orphan } })) > 0) {
        if (Date.now() > deadline) throw new Error(`the worker did not clean up: ${lines.join("\n")}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await worker.stop();
    }
    expect(lines.some((line) => line.startsWith("clean-up: deleted"))).toBe(true);
  });
});
