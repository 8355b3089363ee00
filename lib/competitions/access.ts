import { AppError } from "@/lib/errors";
import type { Competition, Course, PrismaClient, Role } from "@/lib/db";
import { can } from "@/lib/courses/permissions";
import { privateRevealAt } from "@/lib/submissions/late";

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

/** When students see the competition's private results (lib/submissions/late.ts privateRevealAt), with every extension counted. */
export interface PrivateReveal {
  at: Date;
  revealed: boolean;
  /** The reveal waits past the close (a late period or an extension). */
  afterClose: boolean;
}

export async function privateRevealFor(prisma: PrismaClient, competition: Pick<Competition, "id" | "closesAt" | "latePolicy">, now = new Date()): Promise<PrivateReveal> {
  const extensions = await prisma.extension.findMany({ where: { competitionId: competition.id }, select: { closesAt: true } });
  const at = privateRevealAt(competition, extensions);
  return { at, revealed: now >= at, afterClose: at > competition.closesAt };
}

/** "The private leaderboard is revealed on ... after the late period ends": for refusals and notes. */
export function privateRevealMessage(reveal: Pick<PrivateReveal, "at" | "afterClose">): string {
  return reveal.afterClose
    ? `The private leaderboard is revealed on ${reveal.at.toISOString()}, after the late period and any extensions end. Until then, follow the public leaderboard.`
    : `The private leaderboard is revealed when the competition closes at ${reveal.at.toISOString()}. Until then, follow the public leaderboard.`;
}
