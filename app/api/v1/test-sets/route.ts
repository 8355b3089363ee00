import { createTestSet, buildTestSetPreview, defaultTestSetName } from "@/lib/competitions/test-sets";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson } from "@/web/api/handler";
import { courseAsInstructor, parseTestSetUpload } from "@/web/api/test-sets";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/test-sets?course={courseId}: multipart (files, optional name) -> 201 with the preview
 * of a new test set of the course, not attached to any competition yet (the competition form's
 * upload; attach it by choosing it as the competition's test set). Instructors of the course only.
 */
export const POST = apiHandler(async (request) => {
  const user = await apiUser(request);
  const prisma = db();
  const courseId = await courseAsInstructor(prisma, new URL(request.url).searchParams.get("course"), user.id);
  const upload = await parseTestSetUpload(request);
  const { testSet, warnings, stored } = await createTestSet(prisma, user.id, courseId, upload.name ?? defaultTestSetName(upload.files), upload.files);
  return apiJson(buildTestSetPreview(testSet, stored, { warnings }), { status: 201 });
});
