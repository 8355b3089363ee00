import { loadTestSetPreview, replaceCompetitionTestSet, countSubmissions, testSetLockedError } from "@/lib/competitions/test-sets";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson } from "@/web/api/handler";
import { competitionAsInstructor, parseTestSetUpload } from "@/web/api/test-sets";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/competitions/{slug}/test-set: the attached hidden test set's preview (class counts,
 * sample images, shape, public/private split), or { testSet: null } for the dataset's official set.
 * Instructors of the course only: it shows hidden images with their classes.
 */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const competition = await competitionAsInstructor(prisma, slug, user.id, "see the hidden test set");
  const preview = competition.testSetId ? await loadTestSetPreview(prisma, competition.testSetId, competition) : null;
  const submissions = await countSubmissions(prisma, competition.id);
  return apiJson({ ...(preview ?? { testSet: null, samples: [], split: null, warnings: [] }), replaceable: submissions === 0 });
});

/**
 * PUT /api/v1/competitions/{slug}/test-set: multipart (files, optional name) -> the new set's preview,
 * attached to the competition. Refused (409) once the competition has a submission, before the body is read.
 */
export const PUT = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const competition = await competitionAsInstructor(prisma, slug, user.id, "change the hidden test set");
  const submissions = await countSubmissions(prisma, competition.id);
  if (submissions > 0) throw testSetLockedError(submissions);
  const upload = await parseTestSetUpload(request);
  const preview = await replaceCompetitionTestSet(prisma, user.id, competition.id, upload.name, upload.files);
  return apiJson({ ...preview, replaceable: true });
});
