import { requireCourse } from "@/lib/courses/permissions";
import { db } from "@/lib/db";
import { importRoster, MAX_ROSTER_BYTES } from "@/lib/roster";
import { apiUser } from "@/web/api/auth";
import { readTextBody } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/courses/{id}/roster: the class list as CSV (body, Content-Type text/csv; columns
 * email, name, optionally student_id) -> 200 with what the import did, line errors included.
 * Instructors of the course only; checked before the body is read.
 */
export const POST = apiHandler<{ courseId: string }>(async (request, { courseId: id }) => {
  const user = await apiUser(request);
  const prisma = db();
  await requireCourse(prisma, user.id, id, "manage", "import the class list");
  const csv = await readTextBody(request, MAX_ROSTER_BYTES, "class list");
  return apiJson({ roster: await importRoster(prisma, user.id, id, csv) });
});
