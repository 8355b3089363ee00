import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "@/lib/datasets";
import { createTestSet } from "@/lib/competitions/test-sets";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createSubmission } from "@/lib/submissions/create-submission";
import type { SplitMetrics } from "@/lib/evaluation/schemas";
import { startWorker, type RunningWorker } from "@/worker/worker";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";
import { idxFile } from "@/test/helpers/idx";

let database: TestDatabase;
let worker: RunningWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  worker = startWorker({ prisma: database.prisma, concurrency: 1, backend: "auto", pollIntervalMs: 200, log: () => {} });
});
afterAll(async () => {
  await worker?.stop();
  await database?.drop();
});

describe("an instructor's own hidden test set", () => {
  it("is validated, attached to a competition, and replaces the official test set in scoring", { timeout: 300_000 }, async () => {
    const instructor = await database.prisma.user.findUniqueOrThrow({ where: { email: "instructor@holdout.test" } });
    const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
    // 1,000 digits in IDX format, as an instructor would export fresh data.
    const mnist = await loadDataset("mnist", "test");
    const count = 1000;
    const files = [
      { name: "fresh-images-idx3-ubyte", data: idxFile(0x803, [count, 28, 28], mnist.images.subarray(0, count * 784)) },
      { name: "fresh-labels-idx1-ubyte", data: idxFile(0x801, [count], mnist.labels.subarray(0, count)) },
    ];
    await expect(createTestSet(database.prisma, ada.id, competition.courseId, "sneaky", files)).rejects.toThrow();
    const { testSet } = await createTestSet(database.prisma, instructor.id, competition.courseId, "Fresh digits 2026", files);
    expect(testSet).toMatchObject({ count, shape: [28, 28, 1], format: "idx" });
    expect(testSet.perClassCounts.reduce((a, b) => a + b, 0)).toBe(count);
    await database.prisma.competition.update({ where: { id: competition.id }, data: { testSetId: testSet.id } });

    const fixture = FIXTURE_MODELS.tfjsLayersMnist;
    const { submission } = await createSubmission(database.prisma, { userId: ada.id, competitionSlug: "mnist", kind: "weights", preprocessing: fixture.preprocessing, files: await fixtureModelFiles(fixture.dir) });
    let done;
    for (let i = 0; i < 600; i++) {
      done = await database.prisma.submission.findUniqueOrThrow({ where: { id: submission.id }, include: { report: true } });
      if (done.status === "SCORED" || done.status === "FAILED") break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(done!.failureReason).toBeNull();
    const publicMetrics = done!.report!.metrics as unknown as SplitMetrics;
    const privateMetrics = done!.report!.privateMetrics as unknown as SplitMetrics;
    expect(publicMetrics.examples + privateMetrics.examples).toBe(count);
    expect(publicMetrics.examples).toBe(300);
    expect(publicMetrics.accuracy).toBeGreaterThan(0.97);
  });
});
