import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/db";

/**
 * A student withdraws a submission that is still waiting in the queue (a wrong file, say). It is
 * marked CANCELLED with its job, in one transaction, and gives its daily slot back. Once a worker
 * has started on it, it runs to the end.
 */
export async function cancelSubmission(prisma: PrismaClient, submissionId: string, userId: string) {
  return prisma.$transaction(async (tx) => {
    const submission = await tx.submission.findUnique({ where: { id: submissionId } });
    if (!submission || submission.userId !== userId) throw new AppError("NOT_FOUND", "No such submission of yours. Check the link.");
    if (submission.status !== "QUEUED") {
      throw new AppError("CONFLICT", `This submission is ${submission.status.toLowerCase()}, not waiting in the queue, so it cannot be cancelled any more.`, { status: submission.status });
    }
    // Only a job no worker has claimed; the row lock makes a racing claim wait or skip it.
    const { count } = await tx.job.updateMany({ where: { submissionId, status: "PENDING" }, data: { status: "CANCELLED", finishedAt: new Date(), lastError: "cancelled by the student" } });
    if (count === 0) throw new AppError("CONFLICT", "A worker has just started on this submission, so it cannot be cancelled any more.", { status: "VALIDATING" });
    return tx.submission.update({ where: { id: submissionId }, data: { status: "CANCELLED", finishedAt: new Date(), progress: { phase: "CANCELLED" } } });
  });
}
