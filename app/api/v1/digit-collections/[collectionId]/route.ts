import { getDigitCollection, updateDigitCollection, type DigitCollectionUpdate } from "@/lib/competitions/digit-collections";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/digit-collections/{id}: the collection with counts per class. Its staff also get every
 * drawing (label, 28x28 pixels base64, PNG); students only how many they drew.
 */
export const GET = apiHandler<{ collectionId: string }>(async (request, { collectionId }) => {
  const user = await apiUser(request);
  return apiJson({ collection: await getDigitCollection(db(), user.id, collectionId) });
});

/** PATCH /api/v1/digit-collections/{id} {name?, studentsMayDraw?, studentsUntil?, close?}. Instructors of the course only. */
export const PATCH = apiHandler<{ collectionId: string }>(async (request, { collectionId }) => {
  const user = await apiUser(request);
  const body = await readJsonObject(request);
  return apiJson({ collection: await updateDigitCollection(db(), user.id, collectionId, body as DigitCollectionUpdate) });
});
