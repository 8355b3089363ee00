import type { PrismaClient } from "@/lib/db";
import { deleteFinishedJobs } from "@/lib/queue/queue";
import { deleteOrphanBlobs } from "./blobs";

/** How often a worker runs the clean-up (and once when it starts). */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** A blob is taken only when nothing has referred to it for this long at least (it is this old). */
export const ORPHAN_BLOB_GRACE_MS = 60 * 60 * 1000;

export interface CleanUpResult {
  /** False when another worker was cleaning up at the same moment (nothing done here). */
  ran: boolean;
  jobs: number;
  blobs: number;
}

/**
 * The retention clean-up the worker runs periodically: finished jobs older than `retentionDays`
 * (HOLDOUT_RETENTION_DAYS), then blobs nothing refers to any more (lib/storage/blobs.ts). One
 * worker at a time (an advisory lock; the others skip this round).
 */
export async function cleanUpStorage(prisma: PrismaClient, options: { retentionDays: number; now?: Date }): Promise<CleanUpResult> {
  const now = options.now ?? new Date();
  return prisma.$transaction(
    async (tx) => {
      const [{ locked }] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(hashtext('holdout:retention')) AS locked`;
      if (!locked) return { ran: false, jobs: 0, blobs: 0 };
      const jobs = await deleteFinishedJobs(tx, new Date(now.getTime() - options.retentionDays * 24 * 3600 * 1000));
      const blobs = await deleteOrphanBlobs(tx, { olderThan: new Date(now.getTime() - ORPHAN_BLOB_GRACE_MS) });
      return { ran: true, jobs, blobs };
    },
    { timeout: 10 * 60 * 1000 },
  );
}
