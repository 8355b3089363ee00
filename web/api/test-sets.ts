import { competitionForUser } from "@/lib/competitions/access";
import { TEST_SET_FIELDS, TEST_SET_FILE_FIELD, TEST_SET_UPLOAD_LIMITS } from "@/lib/competitions/test-sets";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseMultipart, type UploadSource, type UploadedFilePart } from "@/lib/uploads/multipart";
import { courseRefusal, requireCourse } from "@/lib/courses/permissions";

/** A test-set upload: files in parts named "files", an optional "name". Streams against TEST_SET_UPLOAD_LIMITS. */
export async function parseTestSetUpload(source: UploadSource): Promise<{ name?: string; files: UploadedFilePart[] }> {
  const { fields, files } = await parseMultipart(source, {
    limits: TEST_SET_UPLOAD_LIMITS,
    fieldNames: TEST_SET_FIELDS,
    fileField: TEST_SET_FILE_FIELD,
    tooLargeAdvice: "Upload fewer or smaller images (a test set of a few thousand images is plenty), or compress IDX files with gzip.",
  });
  if (files.length === 0) {
    throw new AppError("BAD_REQUEST", `No files in the upload. Attach the test set in parts named "${TEST_SET_FILE_FIELD}": an IDX pair (curl -F files=@images-idx3-ubyte.gz -F files=@labels-idx1-ubyte.gz), CIFAR-10 .bin files, or a zip of PNG folders named by class.`);
  }
  return { name: fields.name?.trim() || undefined, files };
}

/** The competition, for its course's instructors only: students of the course 403, everyone else 404. */
export async function competitionAsInstructor(prisma: PrismaClient, slug: string, userId: string, doing: string) {
  const access = await competitionForUser(prisma, slug, userId);
  if (!access.isInstructor) throw courseRefusal("manage", doing);
  return access.competition;
}

/** A course, for its instructors only: its students 403, everyone else 404 (as for a course that does not exist). */
export async function courseAsInstructor(prisma: PrismaClient, courseId: string | null, userId: string): Promise<string> {
  if (!courseId) throw new AppError("BAD_REQUEST", "Say which course the test set is for: POST /api/v1/test-sets?course=COURSE_ID.");
  await requireCourse(prisma, userId, courseId, "manage", "upload test sets");
  return courseId;
}
