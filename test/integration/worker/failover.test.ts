import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createSubmission } from "@/lib/submissions/create-submission";
import { startWorker } from "@/worker/worker";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";

let database: TestDatabase;
const HOLDOUT = path.resolve(import.meta.dirname, "../../../bin/holdout.mjs");

const ARCHITECTURE = {
  class_name: "Sequential",
  config: {
    name: "mlp",
    layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, 784], name: "pixels" } },
      { class_name: "Dense", config: { name: "hidden", units: 128, activation: "relu" } },
      { class_name: "Dense", config: { name: "out", units: 10, activation: "softmax" } },
    ],
  },
};

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  await database.prisma.competition.update({ where: { slug: "mnist" }, data: { trainingBudget: { maxEpochs: 20, maxSeconds: 300, maxParams: 1_000_000, maxTrainExamples: 4000 } } });
});
afterAll(() => database?.drop());

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("a worker killed mid-job", () => {
  it("has its job noticed by heartbeat and completed by another worker, scored once", { timeout: 300_000 }, async () => {
    const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    const { submission } = await createSubmission(database.prisma, {
      userId: ada.id,
      competitionSlug: "mnist",
      kind: "definition",
      trainingSettings: { epochs: 8, batchSize: 32 },
      files: [{ name: "architecture.json", data: new TextEncoder().encode(JSON.stringify(ARCHITECTURE)) }],
    });

    // Worker A: a real `holdout worker` process, killed with SIGKILL once it is training.
    const workerA = spawn(process.execPath, [HOLDOUT, "worker"], { env: { ...process.env, DATABASE_URL: database.url }, stdio: "ignore" });
    await waitFor("worker A to train", async () => (await database.prisma.submission.findUnique({ where: { id: submission.id } }))?.status === "TRAINING");
    const claimedBy = (await database.prisma.job.findFirstOrThrow({ where: { submissionId: submission.id } })).lockedBy;
    workerA.kill("SIGKILL");
    await new Promise((resolve) => workerA.once("exit", resolve));

    // Worker B notices the silence and takes the job over.
    const workerB = startWorker({ prisma: database.prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, heartbeatIntervalMs: 500, staleAfterSeconds: 3, log: () => {} });
    try {
      const scored = await waitFor("the submission to be scored", async () => {
        const row = await database.prisma.submission.findUnique({ where: { id: submission.id } });
        return row && ["SCORED", "FAILED"].includes(row.status) ? row : null;
      });
      expect(scored.failureReason).toBeNull();
      expect(scored.status).toBe("SCORED");
    } finally {
      await workerB.stop();
    }
    const jobs = await database.prisma.job.findMany({ where: { submissionId: submission.id } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: "SUCCEEDED", attempts: 2, lockedBy: null });
    expect(jobs[0].lastError).toBeNull();
    expect(claimedBy).not.toBe(workerB.id);
    expect(await database.prisma.score.count({ where: { submissionId: submission.id } })).toBe(1);
    const report = await database.prisma.report.findUniqueOrThrow({ where: { submissionId: submission.id } });
    // Curves of the completed run only: the killed attempt's epochs were replaced.
    const epochs = (report.curves as { epochs: Array<{ epoch: number }> }).epochs.map((e) => e.epoch);
    expect(epochs).toEqual([...Array(epochs.length).keys()].map((i) => i + 1));
  });
});
