import type { Job, PrismaClient } from "@/lib/db";
import { JOB_TYPES, mailPayload } from "@/lib/queue/jobs";
import { retryJobLater, settleJob } from "@/lib/queue/queue";
import { mailConfigured } from "./config";
import { mailRetryDelaySeconds } from "./outbox";
import { sendMailNow } from "./transport";

/**
 * Claims the oldest runnable mail job, for the worker's mail loop that runs beside its scoring
 * slots (so a reset link never waits behind a long training run). FOR UPDATE SKIP LOCKED, as
 * lib/queue claims: each job goes to one worker.
 */
export async function claimMailJob(prisma: PrismaClient, workerId: string): Promise<Job | null> {
  const rows = await prisma.$queryRaw<Job[]>`
    UPDATE "Job" SET "status" = 'RUNNING', "lockedBy" = ${workerId}, "lockedAt" = now(), "heartbeatAt" = now(), "attempts" = "attempts" + 1
    WHERE "id" = (
      SELECT "id" FROM "Job"
      WHERE "type" = ${JOB_TYPES.mail} AND "status" = 'PENDING' AND "runAfter" <= now()
      ORDER BY "createdAt"
      FOR UPDATE SKIP LOCKED
      LIMIT 1
    )
    RETURNING *`;
  return rows[0] ?? null;
}

/** What is kept of a sent message's text: it may have held a one-time link. */
export const SENT_TEXT = "(sent; the text is not kept)";

/**
 * Runs one "mail" job in the worker: sends the message over SMTP_URL. A refused or failed send is
 * tried again later (backing off, lib/mail/outbox.ts) until the job's attempts are used up; a
 * notice the recipient has switched off since it was queued is dropped. Mail jobs are their own
 * jobs, so a mail failure never touches a submission's scoring.
 */
export async function runMailJob(prisma: PrismaClient, job: Job, workerId: string, log: (line: string) => void): Promise<void> {
  const parsed = mailPayload.safeParse(job.payload);
  if (!parsed.success) {
    await settleJob(prisma, job.id, workerId, { status: "FAILED", error: `unreadable mail payload: ${parsed.error.message}` });
    return;
  }
  const mail = parsed.data;
  if (mail.notice && mail.userId) {
    const user = await prisma.user.findUnique({ where: { id: mail.userId }, select: { emailOnScored: true, emailOnClosed: true } });
    const wanted = user && (mail.notice === "scored" ? user.emailOnScored : user.emailOnClosed);
    if (!wanted) {
      await settleJob(prisma, job.id, workerId, { status: "CANCELLED", error: user ? "the recipient switched this notice off" : "the recipient's account was deleted" });
      return;
    }
  }
  if (!mailConfigured()) {
    await settleJob(prisma, job.id, workerId, { status: "FAILED", error: "SMTP_URL is not set for the worker: set it for the web app and the worker alike, then send again" });
    return;
  }
  try {
    await sendMailNow({ to: mail.to, subject: mail.subject, text: mail.text });
  } catch (error) {
    const reason = `sending failed (attempt ${job.attempts}/${job.maxAttempts}): ${(error as Error).message.split("\n")[0]}`;
    if (job.attempts < job.maxAttempts) {
      const delay = mailRetryDelaySeconds(job.attempts);
      log(`mail job ${job.id}: ${reason}; trying again in ${delay} s`);
      await retryJobLater(prisma, job.id, workerId, reason, delay);
    } else {
      log(`mail job ${job.id}: ${reason}; giving up`);
      await settleJob(prisma, job.id, workerId, { status: "FAILED", error: reason });
    }
    return;
  }
  await prisma.$transaction(async (tx) => {
    if (await settleJob(tx, job.id, workerId, { status: "SUCCEEDED" })) {
      await tx.job.update({ where: { id: job.id }, data: { payload: { ...mail, text: SENT_TEXT } } });
    }
  });
  log(`mail job ${job.id}: sent "${mail.subject}"`);
}
