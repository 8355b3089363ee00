import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/db";

export interface FinalSelectionResult {
  /** The ids now selected for the entrant (the user, or their team), in the order given. */
  selected: string[];
  /** competition.maxFinalSelections */
  limit: number;
}

/**
 * Replaces the final selection of the user's entrant (their team if they are in one, else
 * themself) with `submissionIds`. An empty list clears it: then their best public submissions
 * count. Only the entrant's own SCORED, non-disqualified submissions, at most maxFinalSelections,
 * and only before the competition closes.
 */
export async function selectFinalSubmissions(
  prisma: PrismaClient,
  userId: string,
  competitionId: string,
  submissionIds: string[],
  options: { now?: Date } = {},
): Promise<FinalSelectionResult> {
  const now = options.now ?? new Date();
  const competition = await prisma.competition.findUnique({ where: { id: competitionId } });
  const enrollment = competition ? await prisma.enrollment.findUnique({ where: { userId_courseId: { userId, courseId: competition.courseId } } }) : null;
  if (!competition || !enrollment) throw new AppError("NOT_FOUND", "No such competition in your courses. Check the name on your course page.");
  if (now >= competition.closesAt) {
    throw new AppError("FORBIDDEN", `Final submissions were locked when the competition closed at ${competition.closesAt.toISOString()}; the selection can no longer change.`);
  }
  if (!Array.isArray(submissionIds) || submissionIds.some((id) => typeof id !== "string")) {
    throw new AppError("BAD_REQUEST", "Send the final submissions as a list of submission ids.");
  }
  const ids = [...new Set(submissionIds)];
  const limit = competition.maxFinalSelections;
  if (ids.length > limit) {
    throw new AppError("BAD_REQUEST", `You can select at most ${limit} final submission${limit === 1 ? "" : "s"}; you chose ${ids.length}. Unselect ${ids.length - limit} and try again.`);
  }

  return prisma.$transaction(async (tx) => {
    const membership = await tx.teamMember.findUnique({ where: { competitionId_userId: { competitionId, userId } } });
    const entrantKey = membership?.teamId ?? userId;
    // One selection change at a time per entrant, so two tabs (or two teammates) cannot exceed the limit together.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`finals:${competitionId}:${entrantKey}`}))`;
    // The entrant's submissions, keyed exactly as on the leaderboards.
    const own = await tx.$queryRaw<Array<{ id: string; status: string; disqualifiedAt: Date | null; selectedForFinal: boolean }>>`
      SELECT s."id", s."status"::text AS "status", s."disqualifiedAt", s."selectedForFinal"
      FROM "Submission" s
      LEFT JOIN "TeamMember" tm ON tm."competitionId" = s."competitionId" AND tm."userId" = s."userId"
      WHERE s."competitionId" = ${competitionId} AND COALESCE(s."teamId", tm."teamId", s."userId") = ${entrantKey}`;
    const byId = new Map(own.map((row) => [row.id, row]));
    for (const id of ids) {
      const submission = byId.get(id);
      if (!submission) throw new AppError("NOT_FOUND", `Submission ${id} is not one of ${membership ? "your team's" : "your"} submissions in this competition. Pick from your submissions list.`);
      if (submission.disqualifiedAt) throw new AppError("BAD_REQUEST", `Submission ${id} was disqualified, so it cannot be a final submission. Pick another one.`);
      if (submission.status !== "SCORED") {
        throw new AppError("BAD_REQUEST", `Submission ${id} is ${submission.status.toLowerCase()}, not scored; only scored submissions can be final. ${["QUEUED", "VALIDATING", "TRAINING", "SCORING"].includes(submission.status) ? "Wait until it is scored." : "Pick another one."}`);
      }
    }
    const chosen = new Set(ids);
    const unselect = own.filter((row) => row.selectedForFinal && !chosen.has(row.id)).map((row) => row.id);
    if (unselect.length > 0) await tx.submission.updateMany({ where: { id: { in: unselect } }, data: { selectedForFinal: false } });
    if (ids.length > 0) await tx.submission.updateMany({ where: { id: { in: ids } }, data: { selectedForFinal: true } });
    return { selected: ids, limit };
  });
}
