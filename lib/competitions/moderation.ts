import { AppError } from "@/lib/errors";
import type { PrismaClient, Submission } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requireCourseInstructor } from "./permissions";

async function submissionForInstructor(prisma: PrismaClient, actorId: string, submissionId: string, doing: string) {
  const submission = await prisma.submission.findUnique({ where: { id: submissionId }, include: { competition: { select: { courseId: true } } } });
  if (!submission) throw new AppError("NOT_FOUND", "This submission does not exist any more. Reload the submissions list.");
  await requireCourseInstructor(prisma, actorId, submission.competition.courseId, doing);
  return submission;
}

/**
 * Removes a submission from the leaderboards and grading (it stays stored, with the reason, and its
 * owner sees why). Its final selection is kept, so reinstating it restores everything; while it is
 * disqualified the owner's other finals count (or their best public ones if none are left).
 * Instructors of the course only; audited as "submission.disqualify".
 */
export async function disqualifySubmission(prisma: PrismaClient, actorId: string, submissionId: string, reason: string): Promise<Submission> {
  const submission = await submissionForInstructor(prisma, actorId, submissionId, "disqualify submissions");
  const why = typeof reason === "string" ? reason.trim() : "";
  if (!why) throw new AppError("BAD_REQUEST", "Give a reason for the disqualification; the student sees it.");
  if (why.length > 500) throw new AppError("BAD_REQUEST", "Keep the reason under 500 characters.");
  if (submission.disqualifiedAt) {
    throw new AppError("CONFLICT", `This submission was already disqualified on ${submission.disqualifiedAt.toISOString()} ("${submission.disqualifiedReason ?? ""}"). Reinstate it first to change the reason.`);
  }
  return prisma.$transaction(async (tx) => {
    const updated = await tx.submission.update({ where: { id: submissionId }, data: { disqualifiedAt: new Date(), disqualifiedReason: why } });
    await recordAudit(tx, {
      actorId,
      courseId: submission.competition.courseId,
      action: "submission.disqualify",
      targetType: "Submission",
      targetId: submissionId,
      details: { competitionId: submission.competitionId, userId: submission.userId, reason: why },
    });
    return updated;
  });
}

/** Undoes a disqualification. Instructors of the course only; audited as "submission.reinstate". */
export async function reinstateSubmission(prisma: PrismaClient, actorId: string, submissionId: string): Promise<Submission> {
  const submission = await submissionForInstructor(prisma, actorId, submissionId, "reinstate submissions");
  const disqualifiedAt = submission.disqualifiedAt;
  if (!disqualifiedAt) throw new AppError("CONFLICT", "This submission is not disqualified; there is nothing to reinstate.");
  return prisma.$transaction(async (tx) => {
    const updated = await tx.submission.update({ where: { id: submissionId }, data: { disqualifiedAt: null, disqualifiedReason: null } });
    await recordAudit(tx, {
      actorId,
      courseId: submission.competition.courseId,
      action: "submission.reinstate",
      targetType: "Submission",
      targetId: submissionId,
      details: { competitionId: submission.competitionId, userId: submission.userId, previousReason: submission.disqualifiedReason, disqualifiedAt: disqualifiedAt.toISOString() },
    });
    return updated;
  });
}
