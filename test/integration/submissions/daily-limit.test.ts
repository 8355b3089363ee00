import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createSubmission } from "@/lib/submissions/create-submission";
import { submissionsLeftToday } from "@/lib/submissions/queries";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  await database.prisma.competition.update({ where: { slug: "mnist" }, data: { dailyLimit: 2 } });
});
afterAll(() => database?.drop());

describe("the daily submission limit", () => {
  it("counts the student's own failures but not cancelled jobs or the platform's failures, and resets at 00:00 UTC", { timeout: 120_000 }, async () => {
    const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
    const fixture = FIXTURE_MODELS.keras2H5Mnist;
    const files = await fixtureModelFiles(fixture.dir);
    const now = new Date("2026-11-28T23:30:00Z");
    await database.prisma.competition.update({ where: { id: competition.id }, data: { opensAt: new Date("2026-11-01T00:00:00Z"), closesAt: new Date("2026-12-31T00:00:00Z") } });
    const submit = () => createSubmission(database.prisma, { userId: ada.id, competitionSlug: "mnist", kind: "weights", preprocessing: "raw", files, now });

    const first = await submit();
    expect(first.remainingToday).toBe(1);
    const second = await submit();
    expect(second.remainingToday).toBe(0);
    await expect(submit()).rejects.toThrow(/used all 2 submissions for today.*2026-11-29T00:00:00.000Z/);

    // The platform lost the first one, and the student's second was cancelled: two slots back.
    await database.prisma.submission.update({ where: { id: first.submission.id }, data: { status: "FAILED", failureSource: "PLATFORM", failureReason: "worker lost" } });
    await database.prisma.submission.update({ where: { id: second.submission.id }, data: { status: "CANCELLED" } });
    expect((await submissionsLeftToday(database.prisma, competition.id, 2, ada.id, now)).left).toBe(2);
    const third = await submit();
    // A failure caused by the student's own model still counts.
    await database.prisma.submission.update({ where: { id: third.submission.id }, data: { status: "FAILED", failureSource: "SUBMISSION", failureReason: "bad model" } });
    expect((await submissionsLeftToday(database.prisma, competition.id, 2, ada.id, now)).left).toBe(1);

    // A new UTC day.
    const tomorrow = new Date("2026-11-29T00:00:01Z");
    expect((await submissionsLeftToday(database.prisma, competition.id, 2, ada.id, tomorrow)).left).toBe(2);
  });
});
