/**
 * Reference baselines (lib/baselines) and the comparison (lib/compare) against a real PostgreSQL:
 * who may add one, what gets queued (a DEFINITION in the baseline lane with Holdout's own Keras
 * JSON), the demo's first-start queueing (not again on a restart), labelled baseline rows on the
 * boards (unranked, students' ranks unaffected), and who may compare what.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addBaseline, kerasModelJson, offeredBaselines, queueDemoBaselines, referenceModelDef } from "@/lib/baselines";
import { compareCandidates, compareSubmissions, parseComparedIds } from "@/lib/compare/compare";
import type { Competition, User } from "@/lib/db";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { privateLeaderboard, publicLeaderboard, rowsForViewer } from "@/lib/leaderboard";
import { getBlob } from "@/lib/storage/blobs";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { at, makeCompetition, makeCourse, makeStudent, scored } from "@/test/integration/leaderboard/fixtures";

let database: TestDatabase;
let competition: Competition;
let instructor: User;
let ada: User;
let alan: User;
let ta: User;

beforeAll(async () => {
  database = await createTestDatabase();
  const prisma = database.prisma;
  const made = await makeCourse(prisma);
  instructor = made.instructor;
  competition = await makeCompetition(prisma, made.course.id, { trainingBudget: { maxEpochs: 3, maxSeconds: 600, maxParams: 5_000_000 }, closesAt: new Date(Date.now() + 7 * 24 * 3600 * 1000) });
  ada = await makeStudent(prisma, made.course.id, "Ada");
  alan = await makeStudent(prisma, made.course.id, "Alan");
  ta = await prisma.user.create({ data: { email: "ta-baselines@example.edu", name: "Tara TA", role: "STUDENT", enrollments: { create: { courseId: made.course.id, role: "TA" } } } });
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

/** What the worker would write for a scored definition: score, curves, metrics and confusion. */
async function markScored(submissionId: string, publicScore: number, curves: Array<[number, number]>, diagonal: number) {
  const confusion = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? diagonal : j === (i + 1) % 10 ? 100 - diagonal : 0)));
  await database.prisma.submission.update({
    where: { id: submissionId },
    data: {
      status: "SCORED",
      score: { create: { publicScore, privateScore: publicScore - 0.01, publicLoss: 1 - publicScore } },
      report: {
        create: {
          metrics: { examples: 1000, accuracy: publicScore, loss: 1 - publicScore, ece: 0.01, confusion, perClass: confusion.map((row, i) => ({ label: String(i), accuracy: row[i] / 100, precision: 0.9, recall: row[i] / 100, support: 100 })) },
          confusion,
          curves: { source: "training", epochs: curves.map(([loss, valLoss], i) => ({ epoch: i + 1, loss, valLoss, accuracy: 1 - loss, valAccuracy: 1 - valLoss, seconds: 1 })), bestEpoch: 2, overfitStartEpoch: curves.length > 2 ? 3 : null, generalizationGap: [] },
          splitInfo: { classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], warnings: [] },
        },
      },
    },
  });
}

describe("adding a reference baseline", () => {
  it("is refused to students and TAs (only the course's instructors), and nothing is stored", async () => {
    for (const user of [ada, ta]) await expect(addBaseline(database.prisma, user.id, competition.id, "mlp")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await database.prisma.submission.count({ where: { competitionId: competition.id } })).toBe(0);
  });

  it("queues a DEFINITION with its label in the baseline lane, trained from Holdout's own Keras JSON, epochs within the budget", async () => {
    const submission = await addBaseline(database.prisma, instructor.id, competition.id, "mlp");
    expect(submission).toMatchObject({ kind: "DEFINITION", isBaseline: true, baselineLabel: "MLP", status: "QUEUED", format: "architecture" });
    expect(submission.trainingSettings).toMatchObject({ optimizer: "adam", batchSize: 32, epochs: 3 });
    const job = await database.prisma.job.findFirstOrThrow({ where: { submissionId: submission.id } });
    expect(job.lane).toBe("baseline");
    const file = await database.prisma.submissionFile.findFirstOrThrow({ where: { submissionId: submission.id } });
    expect(file.role).toBe("model");
    expect(new TextDecoder().decode(await getBlob(database.prisma, file.blobSha256))).toBe(kerasModelJson(referenceModelDef("mnist-mlp"), [28, 28, 1], 10));
  });

  it("refuses the same baseline twice while it is queued, and unknown baselines with the ones offered", async () => {
    await expect(addBaseline(database.prisma, instructor.id, competition.id, "mlp")).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(addBaseline(database.prisma, instructor.id, competition.id, "cnn-augmented")).rejects.toThrow(/offers: mlp \(MLP\), cnn \(CNN\)/);
    const cnn = await addBaseline(database.prisma, instructor.id, competition.id, "cnn");
    expect(cnn.baselineLabel).toBe("CNN");
    const offered = await offeredBaselines(database.prisma, competition);
    expect(offered.map((b) => [b.id, b.existing?.id])).toEqual([
      ["mlp", expect.any(String)],
      ["cnn", cnn.id],
    ]);
  });

  it("refuses a baseline larger than the training budget's parameter limit, with the numbers", async () => {
    const small = await makeCompetition(database.prisma, competition.courseId, { trainingBudget: { maxEpochs: 3, maxSeconds: 600, maxParams: 100_000 } });
    await expect(addBaseline(database.prisma, instructor.id, small.id, "mlp")).rejects.toThrow(/932,362 parameters; this competition trains at most 100,000/);
    expect((await addBaseline(database.prisma, instructor.id, small.id, "cnn")).baselineLabel).toBe("CNN");
  });
});

describe("the demo's baselines", () => {
  it("are queued once per demo competition at first start, and not again on a restart", async () => {
    await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist", "cifar10"], trainingBudget: { maxEpochs: 2, maxTrainExamples: 3000 } });
    const demo = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
    expect(demo.trainingBudget).toMatchObject({ maxEpochs: 2, maxTrainExamples: 3000 });
    const first = await queueDemoBaselines(database.prisma, { instructorEmail: "instructor@holdout.test", competitionSlugs: ["mnist", "cifar10"] });
    expect(first).toEqual([
      { slug: "mnist", labels: ["MLP", "CNN"], skipped: [] },
      { slug: "cifar10", labels: ["CNN", "CNN + augmentation"], skipped: [] },
    ]);
    const again = await queueDemoBaselines(database.prisma, { instructorEmail: "instructor@holdout.test", competitionSlugs: ["mnist", "cifar10"] });
    expect(again).toEqual([]);
    expect(await database.prisma.submission.count({ where: { competition: { slug: { in: ["mnist", "cifar10"] } }, isBaseline: true } })).toBe(4);
    const augmented = await database.prisma.submission.findFirstOrThrow({ where: { baselineLabel: "CNN + augmentation" } });
    expect(augmented.trainingSettings).toMatchObject({ epochs: 2, augmentation: { horizontalFlip: true, widthShift: 0.1, heightShift: 0.1 } });
  });

  it("a baseline over the demo budget's parameter limit is skipped with the reason, the others still queued", async () => {
    await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["fashion-mnist"], trainingBudget: { maxParams: 100_000 } });
    const result = await queueDemoBaselines(database.prisma, { instructorEmail: "instructor@holdout.test", competitionSlugs: ["fashion-mnist"] });
    expect(result).toEqual([{ slug: "fashion-mnist", labels: ["CNN"], skipped: [expect.stringMatching(/^MLP: .*932,362 parameters; this competition trains at most 100,000/)] }]);
  });
});

describe("baseline rows on the leaderboards and the comparison", () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const prisma = database.prisma;
    const baselines = await prisma.submission.findMany({ where: { competitionId: competition.id, isBaseline: true } });
    ids.mlp = baselines.find((b) => b.baselineLabel === "MLP")!.id;
    ids.cnn = baselines.find((b) => b.baselineLabel === "CNN")!.id;
    await markScored(ids.mlp, 0.95, [[0.5, 0.4], [0.3, 0.3], [0.2, 0.35]], 95);
    await markScored(ids.cnn, 0.985, [[0.4, 0.3], [0.2, 0.2]], 98);
    ids.ada = (await scored(prisma, { competitionId: competition.id, userId: ada.id, publicScore: 0.97, privateScore: 0.96, createdAt: at(5) })).id;
    ids.alan = (await scored(prisma, { competitionId: competition.id, userId: alan.id, publicScore: 0.9, privateScore: 0.91, createdAt: at(6) })).id;
    ids.instructorOwn = (await scored(prisma, { competitionId: competition.id, userId: instructor.id, publicScore: 0.99, privateScore: 0.99, createdAt: at(7), isBaseline: true })).id;
  });

  it("one unranked row per label (and the instructor's own uploads as one more), students ranked 1, 2 among themselves", async () => {
    const rows = await publicLeaderboard(database.prisma, competition.id);
    expect(rows.map((row) => [row.rank, row.entrant.type, row.entrant.name, row.isBaseline, row.score])).toEqual([
      [null, "user", "Prof Grace", true, 0.99],
      [null, "baseline", "CNN", true, 0.985],
      [1, "user", "Ada", false, 0.97],
      [null, "baseline", "MLP", true, 0.95],
      [2, "user", "Alan", false, 0.9],
    ]);
    const privateRows = await privateLeaderboard(database.prisma, competition.id, { asInstructor: true });
    expect(privateRows.filter((row) => !row.isBaseline).map((row) => row.rank)).toEqual([1, 2]);
    expect(privateRows.filter((row) => row.entrant.type === "baseline").map((row) => row.entrant.name).sort()).toEqual(["CNN", "MLP"]);
  });

  it("students see submission ids only on labelled baseline rows and their own; staff on every row", async () => {
    const rows = await publicLeaderboard(database.prisma, competition.id);
    const asAda = rowsForViewer(rows, { id: ada.id, isStaff: false });
    expect(Object.fromEntries(asAda.map((row) => [row.entrant.name, row.submissionId]))).toEqual({ "Prof Grace": null, CNN: ids.cnn, Ada: ids.ada, MLP: ids.mlp, Alan: null });
    expect(rowsForViewer(rows, { id: ta.id, isStaff: true }).every((row) => row.submissionId !== null)).toBe(true);
  });

  it("a student compares their own run with the baselines: curves, best epochs, per-class accuracy, confusion difference, settings diff", async () => {
    const comparison = await compareSubmissions(database.prisma, ada.id, competition.slug, [ids.mlp, ids.cnn, ids.ada]);
    expect(comparison.runs.map((run) => [run.baselineLabel, run.mine, run.owner, run.publicScore])).toEqual([
      ["MLP", false, null, 0.95],
      ["CNN", false, null, 0.985],
      [null, true, null, 0.97],
    ]);
    expect(comparison.runs[0].curves?.epochs.map((e) => e.valLoss)).toEqual([0.4, 0.3, 0.35]);
    expect(comparison.runs[0].curves?.overfitStartEpoch).toBe(3);
    // Before the close a student sees no private score, as on the report.
    expect(comparison.runs.map((run) => run.privateScore)).toEqual([null, null, null]);
    expect(comparison.runs[1].perClass[0]).toBeCloseTo(0.98);
    // CNN - MLP: 3 more correct per class on the diagonal, 3 fewer of the one confusion.
    expect(comparison.confusionDiffs).toHaveLength(1);
    expect(comparison.confusionDiffs[0].runId).toBe(ids.cnn);
    expect(comparison.confusionDiffs[0].diff[4][4]).toBe(3);
    expect(comparison.confusionDiffs[0].diff[4][5]).toBe(-3);
    const settings = Object.fromEntries(comparison.settings.map((row) => [row.field, row]));
    expect(settings.Kind.values).toEqual(["definition (trained by Holdout)", "definition (trained by Holdout)", "trained model (uploaded)"]);
    expect(settings["Epochs trained"]).toMatchObject({ values: ["3", "2", "–"], differs: true });
    expect(settings.Optimizer).toMatchObject({ values: ["adam", "adam", "n/a (trained by the student)"], differs: true });
  });

  it("a student may not compare a classmate's submission (the report's 404); staff may, and see private scores", async () => {
    await expect(compareSubmissions(database.prisma, ada.id, competition.slug, [ids.ada, ids.alan])).rejects.toMatchObject({ code: "NOT_FOUND" });
    // An instructor's own unlabelled upload is not a reference baseline: not open to students.
    await expect(compareSubmissions(database.prisma, ada.id, competition.slug, [ids.ada, ids.instructorOwn])).rejects.toMatchObject({ code: "NOT_FOUND" });
    const asTa = await compareSubmissions(database.prisma, ta.id, competition.slug, [ids.ada, ids.alan]);
    expect(asTa.runs.map((run) => [run.owner, run.privateScore])).toEqual([
      ["Ada", 0.96],
      ["Alan", 0.91],
    ]);
  });

  it("the picker offers a student their own scored runs and the baselines; staff everyone's", async () => {
    const forAda = await compareCandidates(database.prisma, ada.id, competition.slug);
    expect(forAda.map((c) => c.baselineLabel ?? (c.mine ? "mine" : c.owner)).sort()).toEqual(["CNN", "MLP", "mine"]);
    const forTa = await compareCandidates(database.prisma, ta.id, competition.slug);
    expect(forTa).toHaveLength(5);
  });

  it("reads ids from a comma list or repeated values, at most four", () => {
    expect(parseComparedIds("a,b")).toEqual(["a", "b"]);
    expect(parseComparedIds(["a", "b,a", "c"])).toEqual(["a", "b", "c"]);
    expect(parseComparedIds(undefined)).toEqual([]);
    expect(() => parseComparedIds("a,b,c,d,e")).toThrow(/at most 4/);
  });
});
