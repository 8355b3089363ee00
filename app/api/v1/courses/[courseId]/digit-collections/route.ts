import { createDigitCollection, listDigitCollections, type DigitCollectionInput } from "@/lib/competitions/digit-collections";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/courses/{id}/digit-collections: the course's drawn-digit collections with counts per class. Its staff only. */
export const GET = apiHandler<{ courseId: string }>(async (request, { courseId }) => {
  const user = await apiUser(request);
  return apiJson({ collections: await listDigitCollections(db(), user.id, courseId) });
});

/** POST /api/v1/courses/{id}/digit-collections {name, studentsMayDraw?, studentsUntil?} -> 201. Instructors of the course only. */
export const POST = apiHandler<{ courseId: string }>(async (request, { courseId }) => {
  const user = await apiUser(request);
  const body = await readJsonObject(request);
  return apiJson({ collection: await createDigitCollection(db(), user.id, courseId, body as DigitCollectionInput) }, { status: 201 });
});
