import { competitionForUser, competitionPhase } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { createSubmission } from "@/lib/submissions/create-submission";
import { nextUtcDay } from "@/lib/submissions/daily-limit";
import { ownSubmissions, submissionsLeftToday } from "@/lib/submissions/queries";
import { parseSubmissionUpload, submissionUploadLimits } from "@/lib/uploads/submission-upload";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson, publicBaseUrl } from "@/web/api/handler";
import { submissionPageUrl } from "@/web/api/submissions";

export const dynamic = "force-dynamic";

function secondsUntilNextDay(now: Date): number {
  return Math.ceil((nextUtcDay(now).getTime() - now.getTime()) / 1000);
}

/**
 * POST /api/v1/competitions/{slug}/submissions: multipart upload (fields kind, preprocessing,
 * note, trainingSettings; files in parts named "files") -> 201 with the queued submission.
 * Who may submit, and the daily limit, are checked before the body is read, so a refused upload
 * costs no bandwidth; createSubmission checks both again under its lock.
 */
export const POST = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const now = new Date();
  const { competition, isInstructor } = await competitionForUser(prisma, slug, user.id);
  if (!isInstructor) {
    const phase = competitionPhase(competition, now);
    if (phase === "upcoming") throw new AppError("FORBIDDEN", `This competition opens at ${competition.opensAt.toISOString()}. Submit after that.`);
    if (phase === "closed") throw new AppError("FORBIDDEN", `This competition closed at ${competition.closesAt.toISOString()}; it takes no more submissions.`);
    const { left } = await submissionsLeftToday(prisma, competition.id, competition.dailyLimit, user.id, now);
    if (left <= 0) {
      throw new AppError(
        "RATE_LIMITED",
        `You have used all ${competition.dailyLimit} submissions for today. Your next one is possible after ${nextUtcDay(now).toISOString()} (00:00 UTC).`,
        { retryAfterSeconds: secondsUntilNextDay(now) },
      );
    }
  }
  const limits = submissionUploadLimits(env().HOLDOUT_MAX_UPLOAD_MB, (competition.resourceLimits as { maxUploadBytes?: unknown } | null)?.maxUploadBytes);
  const upload = await parseSubmissionUpload(request, limits);
  let created;
  try {
    created = await createSubmission(prisma, {
      userId: user.id,
      competitionSlug: slug,
      kind: upload.fields.kind,
      preprocessing: upload.fields.preprocessing,
      trainingSettings: upload.fields.trainingSettings,
      note: upload.fields.note,
      files: upload.files,
    });
  } catch (error) {
    // The daily limit, hit in a race for the last slot: say when to come back.
    if (isAppError(error) && error.code === "RATE_LIMITED" && error.details?.retryAfterSeconds === undefined) {
      const later = new Date();
      throw new AppError(error.code, error.message, { ...error.details, retryAfterSeconds: secondsUntilNextDay(later) });
    }
    throw error;
  }
  const { submission, warnings, remainingToday } = created;
  return apiJson(
    {
      submission: {
        id: submission.id,
        status: submission.status,
        url: `${publicBaseUrl(request)}/api/v1/submissions/${submission.id}`,
        pageUrl: submissionPageUrl(publicBaseUrl(request), competition.slug, submission.id),
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
