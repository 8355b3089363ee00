import { makeTestSetFromCollection, type MakeTestSetInput } from "@/lib/competitions/digit-collections";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/digit-collections/{id}/test-set {name?} -> 201 with the new test set's preview: the
 * collection's digits as they are now, as one of the course's hidden test sets (attach it on the
 * competition form, or pass its id as testSetId to POST /api/v1/courses/{id}/competitions).
 * Instructors of the course only.
 */
export const POST = apiHandler<{ collectionId: string }>(async (request, { collectionId }) => {
  const user = await apiUser(request);
  const body = await readJsonObject(request);
  return apiJson(await makeTestSetFromCollection(db(), user.id, collectionId, body as MakeTestSetInput), { status: 201 });
});
