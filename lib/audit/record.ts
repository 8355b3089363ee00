import type { AuditLog, Prisma, PrismaClient } from "@/lib/db";

type Tx = Prisma.TransactionClient | PrismaClient;

export interface AuditEntry {
  /** Who did it; null for the system (a CLI script, a worker). */
  actorId: string | null;
  /** The course it happened in, so a course's instructors can read its log. */
  courseId: string | null;
  /** Dotted verb, e.g. "competition.update", "submission.disqualify", "roster.import". */
  action: string;
  /** What was acted on: "Competition", "Submission", "Enrollment", "Course"... */
  targetType: string;
  targetId: string;
  /** What changed, in plain JSON (dates become ISO strings). */
  details?: Record<string, unknown>;
}

/** Turns Dates (and anything else JSON cannot hold) into plain JSON for the details column. */
export function toAuditJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? {})) as Prisma.InputJsonValue;
}

/**
 * Writes one audit row. Call it with the transaction that makes the change, so the change and its
 * record exist together or not at all.
 */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<AuditLog> {
  return tx.auditLog.create({
    data: {
      actorId: entry.actorId,
      courseId: entry.courseId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: toAuditJson(entry.details ?? {}),
    },
  });
}
