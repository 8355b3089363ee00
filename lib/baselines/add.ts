/**
 * Adding a reference baseline to a competition: a DEFINITION submission by an instructor, marked
 * isBaseline with its label, queued in the "baseline" lane (claimed only when no student's job
 * waits), trained and scored by the worker like any definition. The architecture is written by
 * Holdout from ./models.ts (no student bytes), so no sandboxed upload check is needed; its size is
 * checked against the competition's training budget here.
 */
import { recordAudit } from "@/lib/audit/record";
import type { Competition, PrismaClient, Submission, TestSet } from "@/lib/db";
import { requireCourseInstructor } from "@/lib/competitions/permissions";
import { trainingBudgetOf } from "@/lib/competitions/schema";
import { getDatasetSpec } from "@/lib/datasets/registry";
import { AppError } from "@/lib/errors";
import { ownerKeyOf } from "@/lib/queue/lanes";
import { enqueueEvaluation } from "@/lib/queue/queue";
import { putBlob } from "@/lib/storage/blobs";
import { baselinesFor, findBaseline, settingsWithinBudget, type BaselineData, type BaselineDef } from "./catalog";
import { kerasModelJson } from "./keras";
import { countParams } from "./models";

/** The image shape and class count a competition's models work on: its own test set's, or the dataset's. */
export function competitionBaselineData(competition: Pick<Competition, "datasetId"> & { testSet?: Pick<TestSet, "shape" | "classNames"> | null }): BaselineData {
  if (competition.testSet) return { shape: competition.testSet.shape as [number, number, number], numClasses: competition.testSet.classNames.length };
  const spec = getDatasetSpec(competition.datasetId);
  return { shape: [...spec.shape] as [number, number, number], numClasses: spec.numClasses };
}

/** The baseline's architecture file for this competition's data. */
export function baselineArchitecture(def: BaselineDef, data: BaselineData): { name: string; data: Uint8Array } {
  return { name: `${def.id}.json`, data: new TextEncoder().encode(kerasModelJson(def.model, data.shape, data.numClasses)) };
}

export interface OfferedBaseline {
  id: string;
  label: string;
  description: string;
  params: number;
  /** The baseline submission already made for this label (not failed or cancelled), if any. */
  existing: { id: string; status: Submission["status"] } | null;
}

/** The baselines offered for a competition, with the ones it already has. */
export async function offeredBaselines(prisma: PrismaClient, competition: Competition): Promise<OfferedBaseline[]> {
  const testSet = competition.testSetId ? await prisma.testSet.findUnique({ where: { id: competition.testSetId } }) : null;
  const data = competitionBaselineData({ ...competition, testSet });
  const existing = await prisma.submission.findMany({
    where: { competitionId: competition.id, isBaseline: true, baselineLabel: { not: null }, status: { notIn: ["FAILED", "CANCELLED"] } },
    select: { id: true, status: true, baselineLabel: true },
    orderBy: { createdAt: "desc" },
  });
  return baselinesFor(data).map((def) => {
    const found = existing.find((row) => row.baselineLabel === def.label);
    return { id: def.id, label: def.label, description: def.description, params: countParams(def.model, data.shape, data.numClasses), existing: found ? { id: found.id, status: found.status } : null };
  });
}

/**
 * Queues one reference baseline for a competition, as `actorId` (an instructor of its course).
 * Refused (409) when the competition already has that baseline queued, training or scored; a
 * failed or cancelled one may be added again.
 */
export async function addBaseline(prisma: PrismaClient, actorId: string, competitionId: string, baselineId: string, options: { now?: Date } = {}): Promise<Submission> {
  const competition = await prisma.competition.findUnique({ where: { id: competitionId }, include: { testSet: true } });
  if (!competition) throw new AppError("NOT_FOUND", "This competition does not exist any more. Reload the course page.");
  await requireCourseInstructor(prisma, actorId, competition.courseId, "add reference baselines");
  const data = competitionBaselineData(competition);
  const offered = baselinesFor(data);
  const def = findBaseline(data, baselineId);
  if (!def) {
    throw new AppError(
      "BAD_REQUEST",
      offered.length
        ? `Unknown baseline "${baselineId}". This competition offers: ${offered.map((b) => `${b.id} (${b.label})`).join(", ")}.`
        : `This competition's images (${data.shape.join("x")}) have no reference baselines: the lecture's models are for 28x28x1 and 32x32x3 images.`,
    );
  }
  const budget = trainingBudgetOf(competition);
  const params = countParams(def.model, data.shape, data.numClasses);
  if (params > budget.maxParams) {
    throw new AppError("UNPROCESSABLE", `The ${def.label} baseline has ${params.toLocaleString("en")} parameters; this competition trains at most ${budget.maxParams.toLocaleString("en")}. Raise the training budget's parameter limit to add it.`);
  }
  const settings = settingsWithinBudget(def, budget);
  const file = baselineArchitecture(def, data);
  return prisma.$transaction(async (tx) => {
    // One baseline of each label at a time: two clicks racing queue here.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`baseline:${competition.id}:${def.label}`}))`;
    const existing = await tx.submission.findFirst({ where: { competitionId: competition.id, isBaseline: true, baselineLabel: def.label, status: { notIn: ["FAILED", "CANCELLED"] } }, select: { id: true } });
    if (existing) throw new AppError("CONFLICT", `This competition already has the ${def.label} baseline (submission ${existing.id}). It can be added again only if it fails or is cancelled.`, { submissionId: existing.id });
    const blob = await putBlob(tx, file.data);
    const submission = await tx.submission.create({
      data: {
        competitionId: competition.id,
        userId: actorId,
        kind: "DEFINITION",
        format: "architecture",
        trainingSettings: settings,
        note: `Reference baseline: ${def.description}.`,
        isBaseline: true,
        baselineLabel: def.label,
        createdAt: options.now ?? new Date(),
        files: { create: [{ name: file.name, role: "model", blobSha256: blob.sha256, size: blob.size }] },
      },
    });
    await enqueueEvaluation(tx, { version: 1, submissionId: submission.id, rescore: 0 }, { lane: "baseline", ownerKey: ownerKeyOf(submission) });
    await recordAudit(tx, { actorId, courseId: competition.courseId, action: "baseline.add", targetType: "Submission", targetId: submission.id, details: { competitionId: competition.id, baseline: def.id, label: def.label } });
    return submission;
  });
}
