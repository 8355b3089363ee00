import { z } from "zod";
import { addBaseline, offeredBaselines } from "@/lib/baselines";
import { competitionForUser } from "@/lib/competitions/access";
import { requireCourseInstructor } from "@/lib/competitions/permissions";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

const addBaselineBody = z.object({ baseline: z.string().min(1).max(40) }).strict();

/**
 * GET /api/v1/competitions/{slug}/baselines: the reference baselines offered for this competition
 * and the ones it has (instructors of the course).
 */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  await requireCourseInstructor(prisma, user.id, competition.courseId, "add reference baselines");
  return apiJson({ baselines: await offeredBaselines(prisma, competition) });
});

/**
 * POST /api/v1/competitions/{slug}/baselines {"baseline": "mlp" | "cnn" | "cnn-augmented"}: queues a
 * reference baseline (a definition the worker trains in the low-priority lane). 201 with the submission.
 */
export const POST = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  await requireCourseInstructor(prisma, user.id, competition.courseId, "add reference baselines");
  const body = addBaselineBody.parse(await readJsonObject(request));
  const submission = await addBaseline(prisma, user.id, competition.id, body.baseline);
  return apiJson(
    { submission: { id: submission.id, status: submission.status, kind: submission.kind, baselineLabel: submission.baselineLabel, trainingSettings: submission.trainingSettings, createdAt: submission.createdAt } },
    { status: 201 },
  );
});
