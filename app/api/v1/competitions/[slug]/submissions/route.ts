import { competitionForUser } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { requireAdmitted, submissionAdmission } from "@/lib/submissions/admission";
import { createSubmission } from "@/lib/submissions/create-submission";
import { ownSubmissions } from "@/lib/submissions/queries";
import { parseSubmissionUpload } from "@/lib/uploads/submission-upload";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson, publicBaseUrl } from "@/web/api/handler";
import { submissionPageUrl } from "@/web/api/submissions";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/competitions/{slug}/submissions: multipart upload (fields kind, preprocessing,
 * note, trainingSettings; files in parts named "files") -> 201 with the queued submission.
 * Admission (phase, daily limit, upload size: lib/submissions/admission.ts) is decided before the
 * body is read, so a refused upload costs no bandwidth; createSubmission asks again under its lock.
 */
export const POST = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const access = await competitionForUser(prisma, slug, user.id);
  const { uploadLimits } = requireAdmitted(await submissionAdmission(prisma, access, user.id));
  const upload = await parseSubmissionUpload(request, uploadLimits);
  const created = await createSubmission(prisma, {
    userId: user.id,
    competitionSlug: slug,
    kind: upload.fields.kind,
    preprocessing: upload.fields.preprocessing,
    trainingSettings: upload.fields.trainingSettings,
    note: upload.fields.note,
    files: upload.files,
  });
  const { submission, warnings, remainingToday } = created;
  return apiJson(
    {
      submission: {
        id: submission.id,
        status: submission.status,
        url: `${publicBaseUrl(request)}/api/v1/submissions/${submission.id}`,
        pageUrl: submissionPageUrl(publicBaseUrl(request), access.competition.slug, submission.id),
      },
      warnings,
      remainingToday,
    },
    { status: 201, headers: { Location: `/api/v1/submissions/${submission.id}` } },
  );
});

/** GET /api/v1/competitions/{slug}/submissions: the caller's own submissions, newest first. */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const submissions = await ownSubmissions(db(), slug, user.id);
  return apiJson({ submissions });
});
