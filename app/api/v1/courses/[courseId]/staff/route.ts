import { addStaff, courseStaff, type StaffInput } from "@/lib/courses/courses";
import { requireCourse } from "@/lib/courses/permissions";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/courses/{id}/staff: the course's instructors and TAs. Its staff only (students 403). */
export const GET = apiHandler<{ courseId: string }>(async (request, { courseId: id }) => {
  const user = await apiUser(request);
  return apiJson({ staff: await courseStaff(db(), user.id, id) });
});

/**
 * POST /api/v1/courses/{id}/staff {email, role: "INSTRUCTOR" | "TA"}: adds a co-instructor or a
 * teaching assistant (an existing account). Instructors of the course only.
 */
export const POST = apiHandler<{ courseId: string }>(async (request, { courseId: id }) => {
  const user = await apiUser(request);
  const prisma = db();
  await requireCourse(prisma, user.id, id, "manage", "add co-instructors or teaching assistants");
  const body = await readJsonObject(request);
  return apiJson({ member: await addStaff(prisma, user.id, id, body as StaffInput) }, { status: 201 });
});
