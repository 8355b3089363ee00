import { createCompetition } from "@/lib/competitions/manage";
import type { CompetitionInput } from "@/lib/competitions/schema";
import { requireCourse } from "@/lib/courses/permissions";
import { db } from "@/lib/db";
import { requireDatasetAvailable } from "@/lib/demo/available-datasets";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { competitionJson } from "@/web/api/competitions";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/courses/{id}/competitions: a competition's settings as JSON (the fields of the
 * new-competition form: slug, title, datasetId, opensAt, closesAt, ...) -> 201 with the competition.
 * Instructors of the course only; checked before the body is read.
 */
export const POST = apiHandler<{ courseId: string }>(async (request, { courseId: id }) => {
  const user = await apiUser(request);
  const prisma = db();
  const enrollment = await requireCourse(prisma, user.id, id, "manage", "create competitions");
  const body = await readJsonObject(request);
  const created = await createCompetition(prisma, user.id, id, body as unknown as CompetitionInput, { beforeCreate: () => requireDatasetAvailable(body.datasetId) });
  const competition = await prisma.competition.findUniqueOrThrow({ where: { id: created.id }, include: { course: { select: { id: true, name: true } } } });
  return apiJson({ competition: await competitionJson(prisma, competition, enrollment.role, user.id, { detail: true }) }, { status: 201 });
});
