/**
 * The definition track's `maxTrainExamples` travels from the instructor's form to training: the
 * form's text field is stored through the one budget schema, read back into the form, cleared
 * (the whole training split again), and what the worker reads (trainingBudgetOf) caps the rows
 * the trainer uses (trainingRows).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCompetition, updateCompetition, type CompetitionInput } from "@/lib/competitions";
import { trainingBudgetOf } from "@/lib/competitions/schema";
import type { Course, User } from "@/lib/db";
import { trainingRows } from "@/lib/evaluation";
import { defaultFormValues, formValuesFromCompetition } from "@/web/view/competition-form";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { makeCourse } from "@/test/integration/leaderboard/fixtures";

let database: TestDatabase;
let course: Course;
let instructor: User;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ course, instructor } = await makeCourse(database.prisma));
});
afterAll(() => database?.drop());

describe("maxTrainExamples on the competition form", () => {
  it("is stored from the form's text, shown back, honoured by the trainer, and removed when cleared", async () => {
    expect(defaultFormValues().trainingBudget.maxTrainExamples).toBe("");
    const input = {
      title: "Budgeted",
      slug: "budgeted",
      datasetId: "mnist",
      opensAt: "2026-03-01T00:00:00Z",
      closesAt: "2026-03-15T00:00:00Z",
      // As the form sends it: text.
      trainingBudget: { maxEpochs: "5", maxSeconds: "600", maxParams: "1000000", maxTrainExamples: "3000" },
    } as unknown as CompetitionInput;
    const competition = await createCompetition(database.prisma, instructor.id, course.id, input);
    expect(competition.trainingBudget).toMatchObject({ maxTrainExamples: 3000 });
    expect(formValuesFromCompetition(competition).trainingBudget.maxTrainExamples).toBe("3000");

    // What the worker reads, and the rows the trainer then uses (MNIST-sized labels, validation split 0.1).
    const budget = trainingBudgetOf(competition);
    expect(budget.maxTrainExamples).toBe(3000);
    const labels = Uint8Array.from({ length: 60_000 }, (_, i) => i % 10);
    expect(trainingRows(labels, 10, 0.1, 1, budget.maxTrainExamples).info).toMatchObject({ trainCount: 3000, validationCount: 6000, leftOut: 51_000 });

    // Out of range: the form's field gets the message.
    await expect(updateCompetition(database.prisma, instructor.id, competition.id, { trainingBudget: { maxEpochs: 5, maxSeconds: 600, maxParams: 1_000_000, maxTrainExamples: 0 } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      details: { issues: [expect.objectContaining({ path: "trainingBudget.maxTrainExamples" })] },
    });

    // Cleared on the form (the key left out): the whole training split again.
    const { competition: cleared } = await updateCompetition(database.prisma, instructor.id, competition.id, { trainingBudget: { maxEpochs: 5, maxSeconds: 600, maxParams: 1_000_000 } });
    expect(trainingBudgetOf(cleared).maxTrainExamples).toBeUndefined();
    expect(formValuesFromCompetition(cleared).trainingBudget.maxTrainExamples).toBe("");
    expect(trainingRows(labels, 10, 0.1, 1, trainingBudgetOf(cleared).maxTrainExamples).info.trainCount).toBe(54_000);
  });
});
