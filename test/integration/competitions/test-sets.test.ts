import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, splitPublicPrivate } from "@/lib/datasets";
import { updateCompetition } from "@/lib/competitions";
import { attachTestSet, createTestSet, loadTestSetPreview, replaceCompetitionTestSet } from "@/lib/competitions/test-sets";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { idxPair } from "@/test/helpers/idx";

let database: TestDatabase;
let mnist: Awaited<ReturnType<typeof loadDataset>>;
let instructorId: string;
let studentId: string;
let competitionId: string;
let courseId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ courseId } = await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] }));
  instructorId = (await database.prisma.user.findUniqueOrThrow({ where: { email: "instructor@holdout.test" } })).id;
  studentId = (await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } })).id;
  competitionId = (await database.prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } })).id;
  mnist = await loadDataset("mnist", "test");
});
afterAll(() => database?.drop());

describe("instructors' hidden test sets", () => {
  it("previews a set: counts per class, sample PNGs of the right class, shape, the split the competition's seed gives", async () => {
    const files = idxPair(mnist.images, mnist.labels, 200, 28, true);
    const { testSet, stored, warnings } = await createTestSet(database.prisma, instructorId, courseId, "Fresh 200", files);
    expect(warnings.join(" ")).toContain("imbalanced");
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { id: competitionId } });
    const preview = (await loadTestSetPreview(database.prisma, testSet.id, competition))!;
    expect(preview.testSet).toMatchObject({ name: "Fresh 200", count: 200, height: 28, width: 28, channels: 1, format: "idx" });
    const counts = new Array(10).fill(0);
    for (const label of mnist.labels.subarray(0, 200)) counts[label]++;
    expect(preview.testSet.perClassCounts).toEqual(counts);
    const split = splitPublicPrivate(stored.labels, { seed: competition.splitSeed, publicFraction: competition.publicFraction });
    expect(preview.split).toMatchObject({ public: split.counts.public, private: split.counts.private });
    expect(preview.split!.perClass.map((row) => row.public)).toEqual(split.counts.perClass.map((row) => row.public));
    // The first sample of class 7 is the first 7 of the set, pixel for pixel.
    const first7 = Array.from(mnist.labels).indexOf(7);
    const png = PNG.sync.read(Buffer.from(preview.samples[7].images[0].replace(/^data:image\/png;base64,/, ""), "base64"));
    expect([png.width, png.height]).toEqual([28, 28]);
    for (let p = 0; p < 784; p++) expect(png.data[p * 4]).toBe(mnist.images[first7 * 784 + p]);
    expect(preview.samples.every((sample) => sample.images.length === 4)).toBe(true);
  });

  it("refuses students, parser errors in plain words, and sets that do not fit the dataset", async () => {
    const files = idxPair(mnist.images, mnist.labels, 50);
    await expect(createTestSet(database.prisma, studentId, courseId, "sneaky", files)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createTestSet(database.prisma, instructorId, courseId, "broken", [files[0]])).rejects.toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining("exactly two files") });
    // 14x14 images cannot be scored by MNIST models.
    const small = idxPair(new Uint8Array(50 * 196), mnist.labels, 50, 14);
    await expect(replaceCompetitionTestSet(database.prisma, instructorId, competitionId, "small", small)).rejects.toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining("28x28x1") });
    expect(await database.prisma.testSet.count({ where: { name: "small" } })).toBe(0);
  });

  it("replaces and attaches before the first submission; afterwards refuses, even forced", async () => {
    const preview = await replaceCompetitionTestSet(database.prisma, instructorId, competitionId, undefined, idxPair(mnist.images, mnist.labels, 120));
    expect(preview.testSet.name).toBe("fresh-images-idx3-ubyte");
    expect((await database.prisma.competition.findUniqueOrThrow({ where: { id: competitionId } })).testSetId).toBe(preview.testSet.id);
    const second = await replaceCompetitionTestSet(database.prisma, instructorId, competitionId, "second", idxPair(mnist.images.subarray(784 * 120), mnist.labels.subarray(120), 100));
    expect((await database.prisma.competition.findUniqueOrThrow({ where: { id: competitionId } })).testSetId).toBe(second.testSet.id);

    await database.prisma.submission.create({ data: { competitionId, userId: studentId, kind: "WEIGHTS", format: "Keras", status: "QUEUED" } });
    await expect(replaceCompetitionTestSet(database.prisma, instructorId, competitionId, "late", idxPair(mnist.images, mnist.labels, 100))).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("only before the first submission"),
    });
    await expect(attachTestSet(database.prisma, instructorId, competitionId, preview.testSet.id)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(updateCompetition(database.prisma, instructorId, competitionId, { testSetId: null }, { force: true })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await database.prisma.competition.findUniqueOrThrow({ where: { id: competitionId } })).testSetId).toBe(second.testSet.id);
  });
});
