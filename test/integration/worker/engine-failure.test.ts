/**
 * An engine that fails to load is the platform's failure: the job is retried (on any worker),
 * the student is never charged, and after the last attempt the submission fails as PLATFORM with
 * the engine's own reason. Here the worker asks for native TensorFlow ("tensorflow", which never
 * falls back to wasm), which cannot install on these machines: exactly what a GPU worker with a
 * broken tfjs-node-gpu / CUDA install sees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { nativeBackendInstalled } from "@/lib/sandbox/spawn";
import { createSubmission } from "@/lib/submissions/create-submission";
import { submissionsLeftToday } from "@/lib/submissions/queries";
import { startWorker } from "@/worker/worker";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
}, 60_000);
afterAll(async () => {
  await database?.drop();
});

describe("engine failures are the platform's", () => {
  it("a worker whose TensorFlow engine does not load retries the job and never charges the student", { timeout: 240_000 }, async (context) => {
    if (nativeBackendInstalled()) return context.skip("a native TensorFlow package is installed here, so the engine loads");
    const student = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    const fixture = FIXTURE_MODELS.tfjsLayersMnist;
    const { submission } = await createSubmission(database.prisma, { userId: student.id, competitionSlug: "mnist", kind: "weights", preprocessing: fixture.preprocessing, files: await fixtureModelFiles(fixture.dir) });
    const lines: string[] = [];
    const worker = startWorker({ prisma: database.prisma, concurrency: 1, backend: "tensorflow", pollIntervalMs: 200, log: (line) => lines.push(line) });
    let done;
    try {
      const deadline = Date.now() + 220_000;
      for (;;) {
        done = await database.prisma.submission.findUniqueOrThrow({ where: { id: submission.id }, include: { jobs: true } });
        if (done.status === "FAILED" || done.status === "SCORED") break;
        if (Date.now() > deadline) throw new Error(`still ${done.status}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await worker.stop();
    }
    expect(done.status).toBe("FAILED");
    expect(done.failureSource).toBe("PLATFORM");
    expect(done.failureReason).toMatch(/scoring engine could not start: no TensorFlow.js backend for "tensorflow" could be initialised: tensorflow-gpu: not installed; tensorflow: not installed/);
    // Every attempt ran and was put back before the last one failed it.
    expect(done.jobs).toHaveLength(1);
    expect(done.jobs[0]).toMatchObject({ status: "FAILED", attempts: 3, maxAttempts: 3 });
    expect(lines.filter((line) => line.includes("retrying"))).toHaveLength(2);
    // Not counted against the daily limit.
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
    expect((await submissionsLeftToday(database.prisma, competition.id, competition.dailyLimit, student.id)).used).toBe(0);
  });
});
