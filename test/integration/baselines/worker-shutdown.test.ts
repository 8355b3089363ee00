/**
 * A worker that shuts down (Ctrl-C on `holdout start`) does not wait for a reference baseline
 * still training (it may train for the competition's whole time budget, and nobody waits on it):
 * its child is killed and the baseline goes back to the queue, not failed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addBaseline } from "@/lib/baselines";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { startWorker } from "@/worker/worker";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"], trainingBudget: { maxEpochs: 20, maxSeconds: 1800, maxTrainExamples: 50_000 } });
}, 120_000);
afterAll(() => database?.drop());

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("a worker shutting down while a baseline trains", () => {
  it("kills the baseline's child and requeues it (queued again, not failed), instead of waiting for its training", { timeout: 400_000 }, async () => {
    const instructor = await database.prisma.user.findUniqueOrThrow({ where: { email: "instructor@holdout.test" } });
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
    const baseline = await addBaseline(database.prisma, instructor.id, competition.id, "mlp");
    const logs: string[] = [];
    const worker = startWorker({ prisma: database.prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, heartbeatIntervalMs: 500, log: (line) => logs.push(line) });
    let stopped = false;
    try {
      await waitFor("the baseline to train", async () => (await database.prisma.submission.findUnique({ where: { id: baseline.id } }))?.status === "TRAINING");
      await worker.stop();
      stopped = true;
    } finally {
      if (!stopped) await worker.stop();
    }
    const submission = await database.prisma.submission.findUniqueOrThrow({ where: { id: baseline.id } });
    expect(submission).toMatchObject({ status: "QUEUED", failureReason: null, failureSource: null });
    const job = await database.prisma.job.findFirstOrThrow({ where: { submissionId: baseline.id } });
    expect(job).toMatchObject({ status: "PENDING", lockedBy: null, lane: "baseline", attempts: 1 });
    expect(job.lastError).toMatch(/shut down/);
    expect(await database.prisma.score.count({ where: { submissionId: baseline.id } })).toBe(0);
    expect(logs.join("\n")).toMatch(/retrying/);
  });
});
