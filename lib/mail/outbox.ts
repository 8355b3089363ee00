import type { Job, Prisma, PrismaClient } from "@/lib/db";
import { JOB_TYPES, mailPayload, type MailPayload } from "@/lib/queue/jobs";

type Tx = Prisma.TransactionClient | PrismaClient;

/** Attempts per message before it is given up (retries back off from 1 minute to 1 hour: about 2 hours in all). */
export const MAIL_MAX_ATTEMPTS = 8;

/** Seconds before the next try after the given (1-based) failed attempt. */
export function mailRetryDelaySeconds(attempt: number): number {
  return Math.min(3600, 60 * 2 ** Math.max(0, attempt - 1));
}

/**
 * Queues one message as a "mail" job for the worker (inside the caller's transaction, so a reset
 * link and its mail exist together or not at all). With a dedupeKey, a message already queued (or
 * sent) under that key is not queued again: returns null.
 */
export async function enqueueMail(tx: Tx, payload: Omit<MailPayload, "version">): Promise<Job | null> {
  const checked = mailPayload.parse({ version: 1, ...payload });
  if (checked.dedupeKey) {
    const existing = await tx.job.findFirst({ where: { type: JOB_TYPES.mail, payload: { path: ["dedupeKey"], equals: checked.dedupeKey } }, select: { id: true } });
    if (existing) return null;
  }
  // Lane "mail" is none of the scoring lanes (lib/queue/lanes.ts): scoring slots never take a mail
  // job, and queue positions and ETAs count only scoring work; the worker's mail loop claims these.
  return tx.job.create({ data: { type: JOB_TYPES.mail, lane: "mail", payload: checked, maxAttempts: MAIL_MAX_ATTEMPTS } });
}
