import { courseView, updateCourse, type CourseUpdate } from "@/lib/courses/courses";
import { requireCourse } from "@/lib/courses/permissions";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/courses/{id}: one of the caller's courses (join code for its staff); 404 for anyone outside it. */
export const GET = apiHandler<{ courseId: string }>(async (request, { courseId: id }) => {
  const user = await apiUser(request);
  const prisma = db();
  const enrollment = await requireCourse(prisma, user.id, id, "participate", "see this course");
  const course = await prisma.course.findUniqueOrThrow({ where: { id } });
  return apiJson({ course: courseView(course, enrollment.role) });
});

/**
 * PATCH /api/v1/courses/{id} {name?, term?, joinEnabled?, regenerateJoinCode?, archived?}: the
 * course's settings. Instructors of the course only (TAs and students 403).
 */
export const PATCH = apiHandler<{ courseId: string }>(async (request, { courseId: id }) => {
  const user = await apiUser(request);
  const prisma = db();
  await requireCourse(prisma, user.id, id, "manage", "change the course's settings");
  const course = await updateCourse(prisma, user.id, id, (await readJsonObject(request)) as CourseUpdate);
  return apiJson({ course });
});
