import { db } from "@/lib/db";
import { submissionForViewer } from "@/lib/submissions/queries";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson, publicBaseUrl } from "@/web/api/handler";
import { submissionStatusJson } from "@/web/api/submissions";

export const dynamic = "force-dynamic";

/** GET /api/v1/submissions/{id}: status, progress, queue position and scores (private only once revealed: competition.privateRevealAt). */
export const GET = apiHandler<{ id: string }>(async (request, { id }) => {
  const user = await apiUser(request);
  const view = await submissionForViewer(db(), id, user.id);
  return apiJson({ submission: submissionStatusJson(view, publicBaseUrl(request)) });
});
