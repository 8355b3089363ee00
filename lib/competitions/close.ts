import { recordAudit } from "@/lib/audit/record";
import type { Competition, PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { competitionPhase } from "./access";
import { requireCourseInstructor } from "./permissions";

/**
 * Closes a competition now: its close time becomes this moment (an upcoming one also opens now, so
 * open <= close holds). Submissions already queued are still scored; no new ones are taken, and the
 * private leaderboard is shown to students as after any close. Instructors of the course only;
 * audited as "competition.close" with the close time it replaced.
 */
export async function closeCompetitionNow(prisma: PrismaClient, actorId: string, competitionId: string, now = new Date()): Promise<Competition> {
  const current = await prisma.competition.findUnique({ where: { id: competitionId } });
  if (!current) throw new AppError("NOT_FOUND", "This competition does not exist any more. Reload the course page.");
  await requireCourseInstructor(prisma, actorId, current.courseId, "close this competition");
  if (competitionPhase(current, now) === "closed") throw new AppError("CONFLICT", `This competition closed already, at ${current.closesAt.toISOString()}.`);
  return prisma.$transaction(async (tx) => {
    const updated = await tx.competition.update({ where: { id: competitionId }, data: { closesAt: now, ...(current.opensAt > now ? { opensAt: now } : {}) } });
    await recordAudit(tx, {
      actorId,
      courseId: current.courseId,
      action: "competition.close",
      targetType: "Competition",
      targetId: competitionId,
      details: { closesAt: { from: current.closesAt.toISOString(), to: now.toISOString() }, ...(current.opensAt > now ? { opensAt: { from: current.opensAt.toISOString(), to: now.toISOString() } } : {}) },
    });
    return updated;
  });
}
