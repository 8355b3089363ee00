import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { submissionForViewer } from "@/lib/submissions/queries";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson } from "@/web/api/handler";
import { isFinished } from "@/web/api/submissions";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/submissions/{id}/report: the whole report (metrics, curves, summary, confusion
 * matrix, misclassified examples). 409 while the submission is still being evaluated.
 */
export const GET = apiHandler<{ id: string }>(async (request, { id }) => {
  const user = await apiUser(request);
  const view = await submissionForViewer(db(), id, user.id);
  if (!isFinished(view.status)) {
    throw new AppError("CONFLICT", `The report is not ready: the submission is ${view.status}. Poll GET /api/v1/submissions/${view.id} until its status is SCORED, then ask again.`, {
      status: view.status,
    });
  }
  return apiJson(view);
});
