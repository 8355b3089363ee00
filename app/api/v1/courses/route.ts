import { coursesOfUser, createCourse } from "@/lib/courses/courses";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/courses: the caller's courses with their role in each; join codes for the course's staff. */
export const GET = apiHandler(async (request) => {
  const user = await apiUser(request);
  return apiJson({ courses: await coursesOfUser(db(), user.id) });
});

/** POST /api/v1/courses {name, term?} -> 201 with the course and its join code. Instructor accounts only. */
export const POST = apiHandler(async (request) => {
  const user = await apiUser(request);
  const body = await readJsonObject(request);
  const course = await createCourse(db(), user.id, { name: body.name as string, term: body.term as string | undefined });
  return apiJson({ course }, { status: 201 });
});
