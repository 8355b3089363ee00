import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCompetition, disqualifySubmission, reinstateSubmission, rescoreCompetition, updateCompetition, type CompetitionInput } from "@/lib/competitions";
import type { Course, User } from "@/lib/db";
import { publicLeaderboard } from "@/lib/leaderboard";
import { evaluateSubmissionPayload } from "@/lib/queue/jobs";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { at, makeCourse, makeStudent, scored } from "@/test/integration/leaderboard/fixtures";

let database: TestDatabase;
let course: Course;
let instructor: User;
let student: User;
let otherInstructor: User;

const valid: CompetitionInput = {
  title: "Fashion week",
  slug: "fashion-week",
  description: "# Classify clothes",
  datasetId: "fashion-mnist",
  opensAt: "2026-03-01T00:00:00Z",
  closesAt: "2026-03-15T00:00:00Z",
  dailyLimit: 5,
  maxFinalSelections: 2,
  publicFraction: 0.3,
  splitSeed: 1234,
  allowedKinds: ["WEIGHTS"],
  trainingBudget: { maxEpochs: 10, maxSeconds: 600, maxParams: 1_000_000 },
  resourceLimits: { maxUploadBytes: 50_000_000, maxParams: 5_000_000, maxFlops: 1e9, memoryMb: 2048, timeoutSeconds: 300 },
  gradingScheme: { kind: "thresholds", thresholds: [{ minScore: 0.85, points: 5 }, { minScore: 0.9, points: 10 }] },
  latePolicy: { kind: "penalty", perDayFraction: 0.1, maxDays: 3 },
};

beforeAll(async () => {
  database = await createTestDatabase();
  ({ course, instructor } = await makeCourse(database.prisma));
  student = await makeStudent(database.prisma, course.id, "Ada");
  // An instructor, but of another course.
  otherInstructor = (await makeCourse(database.prisma, "Other")).instructor;
});
afterAll(() => database.drop());

async function audits(action: string) {
  return database.prisma.auditLog.findMany({ where: { action }, orderBy: { createdAt: "asc" } });
}

describe("creating a competition", () => {
  it("stores the validated settings and audits it", async () => {
    const competition = await createCompetition(database.prisma, instructor.id, course.id, valid);
    expect(competition).toMatchObject({
      courseId: course.id,
      slug: "fashion-week",
      datasetId: "fashion-mnist",
      splitSeed: 1234,
      allowedKinds: ["WEIGHTS"],
      opensAt: new Date("2026-03-01T00:00:00Z"),
      latePolicy: { kind: "penalty", perDayFraction: 0.1, maxDays: 3 },
      createdById: instructor.id,
    });
    const [row] = await audits("competition.create");
    expect(row).toMatchObject({ actorId: instructor.id, courseId: course.id, targetType: "Competition", targetId: competition.id });
    expect((row.details as { settings: { slug: string } }).settings.slug).toBe("fashion-week");
  });

  it("fills defaults, the grading scheme from the dataset's baseline and target", async () => {
    const competition = await createCompetition(database.prisma, instructor.id, course.id, {
      title: "Digits",
      slug: "digits",
      datasetId: "mnist",
      opensAt: new Date("2026-03-01T00:00:00Z"),
      closesAt: new Date("2026-03-15T00:00:00Z"),
    });
    expect(competition).toMatchObject({ dailyLimit: 5, maxFinalSelections: 2, publicFraction: 0.3, allowedKinds: ["WEIGHTS", "DEFINITION"], latePolicy: { kind: "none" } });
    expect(competition.gradingScheme).toEqual({ kind: "linear", baseline: 0.97, target: 0.995, maxPoints: 100 });
    expect(competition.splitSeed).toBeGreaterThan(0);
  });

  it("explains each invalid field", async () => {
    const cases: Array<[Partial<CompetitionInput>, RegExp]> = [
      [{ slug: "Fashion Week" }, /slug may only use lowercase letters a-z, digits and single dashes/],
      [{ slug: "ab" }, /slug must be 3 to 60 characters/],
      [{ title: "  " }, /Give the competition a title/],
      [{ datasetId: "imagenet" as never }, /Choose a dataset: mnist, fashion-mnist or cifar10/],
      [{ closesAt: "2026-02-01T00:00:00Z" }, /closing time must be after the opening time/],
      [{ opensAt: "soon" }, /Enter when the competition opens, as a date and time/],
      [{ dailyLimit: 0 }, /daily submission limit must be a whole number from 1 to 100/],
      [{ dailyLimit: 101 }, /daily submission limit must be a whole number from 1 to 100/],
      [{ maxFinalSelections: 11 }, /final submissions a student may select must be a whole number from 1 to 10/],
      [{ publicFraction: 0.01 }, /public fraction of the test set must be between 0.05 and 0.95/],
      [{ allowedKinds: [] }, /Allow at least one kind of submission/],
      [{ trainingBudget: { maxEpochs: 0, maxSeconds: 10, maxParams: 10 } }, /maximum epochs must be a whole number/],
      [{ resourceLimits: { maxUploadBytes: 10, maxParams: 1, maxFlops: 1, memoryMb: 1024, timeoutSeconds: 60 } }, /upload size limit \(bytes\) must be a whole number from 1,024/],
      [{ gradingScheme: { kind: "linear", baseline: 0.9, target: 0.8, maxPoints: 10 } }, /target score must be higher than the baseline/],
      [{ latePolicy: { kind: "penalty", perDayFraction: 2, maxDays: 1 } }, /at most 1 \(100 %\)/],
    ];
    for (const [change, message] of cases) {
      await expect(createCompetition(database.prisma, instructor.id, course.id, { ...valid, slug: "bad-one", ...change }), JSON.stringify(change)).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(message),
      });
    }
    const error = await createCompetition(database.prisma, instructor.id, course.id, { ...valid, slug: "X", dailyLimit: 0 }).catch((e) => e);
    expect(error.message).toMatch(/\(and 1 more problem to fix\)$/);
    expect(error.details.issues.map((i: { path: string }) => i.path)).toEqual(["slug", "dailyLimit"]);
    expect(await database.prisma.competition.count({ where: { slug: "bad-one" } })).toBe(0);
  });

  it("refuses a taken slug, suggesting a free one", async () => {
    await expect(createCompetition(database.prisma, instructor.id, course.id, valid)).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'The slug "fashion-week" is already used by another competition. Choose another one, like "fashion-week-2".',
    });
  });

  it("is for instructors of the course only", async () => {
    for (const actor of [student, otherInstructor]) {
      await expect(createCompetition(database.prisma, actor.id, course.id, { ...valid, slug: "nope" })).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringContaining("Only instructors of this course can create competitions"),
      });
    }
  });

  it("refuses a test set of another course", async () => {
    const other = await makeCourse(database.prisma, "Elsewhere");
    await database.prisma.blob.create({ data: { sha256: "a".repeat(64), size: 1, data: Buffer.from("x") } });
    const testSet = await database.prisma.testSet.create({
      data: { courseId: other.course.id, name: "theirs", format: "npz", blobSha256: "a".repeat(64), count: 1, shape: [28, 28, 1], classNames: ["a"], perClassCounts: [1] },
    });
    await expect(createCompetition(database.prisma, instructor.id, course.id, { ...valid, slug: "with-test-set", testSetId: testSet.id })).rejects.toThrow(/not one of this course's test sets/);
  });
});

describe("editing a competition", () => {
  it("changes only the given fields, audits before and after, and skips no-op edits", async () => {
    const competition = await createCompetition(database.prisma, instructor.id, course.id, { ...valid, slug: "edit-me" });
    const result = await updateCompetition(database.prisma, instructor.id, competition.id, { title: "Fashion week II", dailyLimit: "8" as never, closesAt: "2026-03-20T00:00:00Z" });
    expect(result.changedFields.sort()).toEqual(["closesAt", "dailyLimit", "title"]);
    expect(result.needsRescore).toBe(false);
    expect(result.competition).toMatchObject({ title: "Fashion week II", dailyLimit: 8, closesAt: new Date("2026-03-20T00:00:00Z"), splitSeed: 1234, slug: "edit-me" });
    const [row] = (await audits("competition.update")).filter((r) => r.targetId === competition.id);
    expect(row.details).toEqual({
      changes: {
        title: { from: "Fashion week", to: "Fashion week II" },
        dailyLimit: { from: 5, to: 8 },
        closesAt: { from: "2026-03-15T00:00:00.000Z", to: "2026-03-20T00:00:00.000Z" },
      },
    });
    // The same values again, and JSON settings in another key order: nothing changes, nothing is audited.
    const again = await updateCompetition(database.prisma, instructor.id, competition.id, {
      title: "Fashion week II",
      trainingBudget: { maxParams: 1_000_000, maxSeconds: 600, maxEpochs: 10 },
      gradingScheme: { thresholds: [{ points: 5, minScore: 0.85 }, { points: 10, minScore: 0.9 }], kind: "thresholds" } as never,
    });
    expect(again.changedFields).toEqual([]);
    expect((await audits("competition.update")).filter((r) => r.targetId === competition.id)).toHaveLength(1);
  });

  it("validates the merged result", async () => {
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "edit-me" } });
    await expect(updateCompetition(database.prisma, instructor.id, competition.id, { opensAt: "2026-04-01T00:00:00Z" })).rejects.toThrow(/closing time must be after the opening time/);
    await expect(updateCompetition(database.prisma, instructor.id, competition.id, { slug: "fashion-week" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(updateCompetition(database.prisma, student.id, competition.id, { title: "Mine now" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses to change the split once submissions exist, unless forced", async () => {
    const prisma = database.prisma;
    const competition = await createCompetition(prisma, instructor.id, course.id, { ...valid, slug: "split-guard" });
    // No submissions yet: free to change.
    expect((await updateCompetition(prisma, instructor.id, competition.id, { splitSeed: 99 })).needsRescore).toBe(false);
    await scored(prisma, { competitionId: competition.id, userId: student.id, publicScore: 0.9, privateScore: 0.9, createdAt: at(1) });
    await expect(updateCompetition(prisma, instructor.id, competition.id, { splitSeed: 100, publicFraction: 0.5 })).rejects.toMatchObject({
      code: "CONFLICT",
      message:
        "This competition already has 1 submission: changing the public fraction and split seed would reshuffle the public/private split and change every score. Keep the current value, or confirm the change (force) and then rescore the competition.",
    });
    await expect(updateCompetition(prisma, instructor.id, competition.id, { datasetId: "cifar10" })).rejects.toThrow(/changing the dataset/);
    expect((await prisma.competition.findUniqueOrThrow({ where: { id: competition.id } })).splitSeed).toBe(99);
    // Other settings are still editable.
    await updateCompetition(prisma, instructor.id, competition.id, { description: "Updated rules" });

    const forced = await updateCompetition(prisma, instructor.id, competition.id, { splitSeed: 100 }, { force: true });
    expect([forced.competition.splitSeed, forced.needsRescore]).toEqual([100, true]);
    const viaInput = await updateCompetition(prisma, instructor.id, competition.id, { publicFraction: 0.4, force: true });
    expect(viaInput.competition.publicFraction).toBe(0.4);
    const rows = (await audits("competition.update")).filter((r) => r.targetId === competition.id);
    expect(rows.map((r) => r.details)).toEqual([
      { changes: { splitSeed: { from: 1234, to: 99 } } },
      { changes: { description: { from: "(18 characters)", to: "(13 characters)" } } },
      { changes: { splitSeed: { from: 99, to: 100 } }, forced: true, needsRescore: true },
      { changes: { publicFraction: { from: 0.3, to: 0.4 } }, forced: true, needsRescore: true },
    ]);
  });
});

describe("rescoring", () => {
  it("requeues every non-cancelled submission once, idempotently while jobs are pending", async () => {
    const prisma = database.prisma;
    const competition = await createCompetition(prisma, instructor.id, course.id, { ...valid, slug: "rescore-me" });
    const a = await scored(prisma, { competitionId: competition.id, userId: student.id, publicScore: 0.9, privateScore: 0.9, createdAt: at(1) });
    const b = await scored(prisma, { competitionId: competition.id, userId: student.id, publicScore: 0.8, privateScore: 0.8, createdAt: at(2), status: "FAILED" });
    await scored(prisma, { competitionId: competition.id, userId: student.id, publicScore: 0.8, privateScore: 0.8, createdAt: at(3), status: "CANCELLED" });
    const running = await scored(prisma, { competitionId: competition.id, userId: student.id, publicScore: 0.7, privateScore: 0.7, createdAt: at(4), status: "TRAINING" });
    // a was scored by its first job; running's job is still running.
    await prisma.job.create({ data: { type: "evaluate-submission", payload: { version: 1, submissionId: a.id, rescore: 0 }, submissionId: a.id, status: "SUCCEEDED" } });
    await prisma.job.create({ data: { type: "evaluate-submission", payload: { version: 1, submissionId: running.id, rescore: 0 }, submissionId: running.id, status: "RUNNING" } });

    expect(await rescoreCompetition(prisma, instructor.id, competition.id)).toEqual({ enqueued: 2, alreadyQueued: 1, total: 3 });
    const jobs = await prisma.job.findMany({ where: { status: "PENDING", submission: { competitionId: competition.id } } });
    expect(jobs.map((job) => evaluateSubmissionPayload.parse(job.payload)).sort((x, y) => x.submissionId.localeCompare(y.submissionId))).toEqual(
      [
        { version: 1, submissionId: a.id, rescore: 1 },
        { version: 1, submissionId: b.id, rescore: 1 },
      ].sort((x, y) => x.submissionId.localeCompare(y.submissionId)),
    );
    const statuses = await prisma.submission.findMany({ where: { id: { in: [a.id, b.id, running.id] } }, select: { id: true, status: true } });
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({ [a.id]: "QUEUED", [b.id]: "QUEUED", [running.id]: "TRAINING" });
    expect(await publicLeaderboard(prisma, competition.id)).toEqual([]);

    // Again while the jobs wait: nothing new.
    expect(await rescoreCompetition(prisma, instructor.id, competition.id)).toEqual({ enqueued: 0, alreadyQueued: 3, total: 3 });
    expect(await prisma.job.count({ where: { submission: { competitionId: competition.id } } })).toBe(4);

    // Once they are done, a later rescore numbers its jobs on.
    await prisma.job.updateMany({ where: { submission: { competitionId: competition.id } }, data: { status: "SUCCEEDED" } });
    expect((await rescoreCompetition(prisma, instructor.id, competition.id)).enqueued).toBe(3);
    const latest = await prisma.job.findFirstOrThrow({ where: { submissionId: a.id, status: "PENDING" } });
    expect(evaluateSubmissionPayload.parse(latest.payload).rescore).toBe(2);

    const rows = (await audits("competition.rescore")).filter((r) => r.targetId === competition.id);
    expect(rows.map((r) => r.details)).toEqual([
      { enqueued: 2, alreadyQueued: 1, total: 3 },
      { enqueued: 0, alreadyQueued: 3, total: 3 },
      { enqueued: 3, alreadyQueued: 0, total: 3 },
    ]);
    await expect(rescoreCompetition(prisma, student.id, competition.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("disqualifying", () => {
  it("hides a submission from the board until reinstated, with reasons and audit rows", async () => {
    const prisma = database.prisma;
    const competition = await createCompetition(prisma, instructor.id, course.id, { ...valid, slug: "dq-test" });
    const good = await scored(prisma, { competitionId: competition.id, userId: student.id, publicScore: 0.8, privateScore: 0.8, createdAt: at(1) });
    const suspicious = await scored(prisma, { competitionId: competition.id, userId: student.id, publicScore: 0.99, privateScore: 0.99, createdAt: at(2) });
    expect((await publicLeaderboard(prisma, competition.id))[0].score).toBe(0.99);

    await expect(disqualifySubmission(prisma, instructor.id, suspicious.id, "  ")).rejects.toThrow(/Give a reason/);
    await expect(disqualifySubmission(prisma, student.id, suspicious.id, "mine")).rejects.toMatchObject({ code: "FORBIDDEN" });
    const dq = await disqualifySubmission(prisma, instructor.id, suspicious.id, "Trained on the test set");
    expect(dq.disqualifiedReason).toBe("Trained on the test set");
    expect(dq.disqualifiedAt).toBeInstanceOf(Date);
    expect((await publicLeaderboard(prisma, competition.id))[0]).toMatchObject({ score: 0.8, entries: 1 });
    await expect(disqualifySubmission(prisma, instructor.id, suspicious.id, "again")).rejects.toMatchObject({ code: "CONFLICT" });

    const back = await reinstateSubmission(prisma, instructor.id, suspicious.id);
    expect([back.disqualifiedAt, back.disqualifiedReason]).toEqual([null, null]);
    expect((await publicLeaderboard(prisma, competition.id))[0]).toMatchObject({ score: 0.99, entries: 2 });
    await expect(reinstateSubmission(prisma, instructor.id, good.id)).rejects.toThrow(/not disqualified/);

    expect((await audits("submission.disqualify")).map((r) => [r.targetId, r.actorId, r.courseId, r.details])).toEqual([
      [suspicious.id, instructor.id, course.id, { competitionId: competition.id, userId: student.id, reason: "Trained on the test set" }],
    ]);
    expect((await audits("submission.reinstate")).map((r) => (r.details as { previousReason: string }).previousReason)).toEqual(["Trained on the test set"]);
  });
});
