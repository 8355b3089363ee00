import { db } from "@/lib/db";
import { cancelSubmission } from "@/lib/submissions/cancel-submission";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** POST /api/v1/submissions/{id}/cancel: withdraw one's own queued submission (409 once it started). */
export const POST = apiHandler<{ id: string }>(async (request, { id }) => {
  const user = await apiUser(request);
  const submission = await cancelSubmission(db(), id, user.id);
  return apiJson({ submission: { id: submission.id, status: submission.status } });
});
