import { addDrawnDigit, type DrawingInput } from "@/lib/competitions/digit-collections";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/digit-collections/{id}/digits {label, width, height, pixels}: one drawing as the
 * canvas's raw grayscale bytes (base64); the server preprocesses it as MNIST was made. Instructors
 * at any time; students and TAs while the collection lets them.
 */
export const POST = apiHandler<{ collectionId: string }>(async (request, { collectionId }) => {
  const user = await apiUser(request);
  // A 1024x1024 canvas in base64 is 1.4 MB.
  const body = await readJsonObject(request, 2 * 1024 * 1024 + 4096);
  return apiJson(await addDrawnDigit(db(), user.id, collectionId, body as DrawingInput), { status: 201 });
});
