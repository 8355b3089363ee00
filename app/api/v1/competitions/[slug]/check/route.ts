import { db } from "@/lib/db";
import { admitModelCheck, checkModel } from "@/lib/submissions/model-check";
import { parseSubmissionUpload } from "@/lib/uploads/submission-upload";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/competitions/{slug}/check: the free model check. The same multipart body as an
 * upload (files, kind, preprocessing, trainingSettings); the same sandboxed check, plus a trial
 * run on a fixed sample of the public split (lib/submissions/model-check.ts). Answers 200 with
 * the verdict (ok false with errors for files an upload would refuse); stores nothing and uses
 * no daily slot. Admission (auth, phase, size) and the check rate limit are decided before the
 * body is read.
 */
export const POST = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const admitted = await admitModelCheck(prisma, slug, user.id);
  const upload = await parseSubmissionUpload(request, admitted.admission.uploadLimits);
  const result = await checkModel(prisma, {
    userId: user.id,
    competitionSlug: slug,
    kind: upload.fields.kind,
    preprocessing: upload.fields.preprocessing,
    trainingSettings: upload.fields.trainingSettings,
    files: upload.files,
    admitted,
  });
  return apiJson({ check: result });
});
