import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDatabase } from "@/lib/database/admin";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/database/embedded";
import { migrate } from "@/lib/database/migrate";
import { createPrismaClient, type PrismaClient } from "@/lib/db";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createSubmission } from "@/lib/submissions/create-submission";
import { startWorker } from "@/worker/worker";

// A PostgreSQL of its own: this test stops and starts it under a running worker.
let dir: string;
let server: EmbeddedDatabase;
let prisma: PrismaClient;
let url: string;

const ARCHITECTURE = {
  class_name: "Sequential",
  config: {
    name: "mlp",
    layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, 28, 28], name: "pixels" } },
      { class_name: "Flatten", config: { name: "flatten" } },
      { class_name: "Dense", config: { name: "hidden", units: 64, activation: "relu" } },
      { class_name: "Dense", config: { name: "out", units: 10, activation: "softmax" } },
    ],
  },
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "holdout-restart-"));
  server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
  await ensureDatabase(server.serverUrl, "holdout");
  url = server.databaseUrl("holdout");
  await migrate(url);
  prisma = createPrismaClient(url);
  await seedDemo(prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  await prisma.competition.update({ where: { slug: "mnist" }, data: { trainingBudget: { maxEpochs: 20, maxSeconds: 300, maxParams: 1_000_000, maxTrainExamples: 4000 } } });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) {
      const state = await prisma.submission.findMany({ select: { status: true, failureReason: true, jobs: { select: { status: true, attempts: true, lastError: true } } } }).catch((error) => String(error));
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(state)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("PostgreSQL restarted while jobs run", () => {
  it("the worker reconnects and the jobs finish, each scored once", async () => {
    const ada = await prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { submission } = await createSubmission(prisma, {
        userId: ada.id,
        competitionSlug: "mnist",
        kind: "definition",
        trainingSettings: { epochs: 6, batchSize: 32 },
        files: [{ name: "model.json", data: new TextEncoder().encode(JSON.stringify(ARCHITECTURE)) }],
      });
      ids.push(submission.id);
    }
    const worker = startWorker({ prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, heartbeatIntervalMs: 1000, log: process.env.HOLDOUT_DEBUG ? console.log : () => {} });
    try {
      await until("training to start", async () => (await prisma.submission.findUniqueOrThrow({ where: { id: ids[0] } })).status === "TRAINING");
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: server.port });
      await until("both submissions to finish", async () => {
        const rows = await prisma.submission.findMany({ where: { id: { in: ids } } });
        return rows.every((row) => row.status === "SCORED" || row.status === "FAILED");
      });
    } finally {
      await worker.stop();
    }
    const rows = await prisma.submission.findMany({ where: { id: { in: ids } }, include: { score: true, jobs: true } });
    for (const row of rows) {
      expect(row.failureReason).toBeNull();
      expect(row.status).toBe("SCORED");
      expect(row.jobs.filter((job) => job.status === "SUCCEEDED")).toHaveLength(1);
    }
    expect(await prisma.score.count({ where: { submissionId: { in: ids } } })).toBe(2);
  });
});
