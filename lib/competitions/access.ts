import { AppError } from "@/lib/errors";
import type { Competition, Course, PrismaClient, Role } from "@/lib/db";
import { can } from "@/lib/courses/permissions";

export interface CompetitionAccess {
  competition: Competition & { course: Course };
  /** The viewer's role in the competition's course. */
  role: Role;
  /** May change the competition and the course ("manage": instructors and co-instructors). */
  isInstructor: boolean;
  /** Sees every submission, the private leaderboard and grades ("see": instructors and TAs). */
  isStaff: boolean;
}

/**
 * A competition as seen by one user. Someone outside its course gets the same 404 as for a
 * competition that does not exist, so slugs of other courses do not leak.
 */
export async function competitionForUser(prisma: PrismaClient, slug: string, userId: string): Promise<CompetitionAccess> {
  const competition = await prisma.competition.findUnique({ where: { slug }, include: { course: true } });
  const enrollment = competition
    ? await prisma.enrollment.findUnique({ where: { userId_courseId: { userId, courseId: competition.courseId } } })
    : null;
  if (!competition || !enrollment) {
    throw new AppError("NOT_FOUND", `No competition "${slug}" in your courses. Check the name on your course page.`);
  }
  return { competition, role: enrollment.role, isInstructor: can(enrollment.role, "manage"), isStaff: can(enrollment.role, "see") };
}

export function competitionPhase(competition: Pick<Competition, "opensAt" | "closesAt">, now = new Date()): "upcoming" | "open" | "closed" {
  if (now < competition.opensAt) return "upcoming";
  if (now >= competition.closesAt) return "closed";
  return "open";
}
