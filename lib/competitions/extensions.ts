import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requireCourseInstructor, requireCourseStaff } from "./permissions";

/**
 * Extensions: a later deadline for one student or one team, set by the course's instructors
 * ("manage" in lib/courses/permissions.ts). Uploads before it are on time; the late period, if the
 * competition has one, starts at its end (lib/submissions/late.ts). One per student and one per
 * team per competition: setting it again replaces it.
 */
export interface ExtensionView {
  id: string;
  /** Exactly one of user and team. */
  user: { id: string; name: string; email: string } | null;
  team: { id: string; name: string } | null;
  closesAt: Date;
  reason: string;
  createdAt: Date;
}

export interface ExtensionInput {
  /** The student: their user id or their email. */
  userId?: unknown;
  email?: unknown;
  teamId?: unknown;
  closesAt?: unknown;
  reason?: unknown;
}

async function loadCompetition(prisma: PrismaClient, competitionId: string) {
  const competition = await prisma.competition.findUnique({ where: { id: competitionId }, select: { id: true, courseId: true, closesAt: true } });
  if (!competition) throw new AppError("NOT_FOUND", "This competition does not exist any more. Reload the course page.");
  return competition;
}

const view = {
  id: true,
  closesAt: true,
  reason: true,
  createdAt: true,
  user: { select: { id: true, name: true, email: true } },
  team: { select: { id: true, name: true } },
} as const;

/** Every extension of the competition, by end (the course's staff). */
export async function listExtensions(prisma: PrismaClient, actorId: string, competitionId: string): Promise<ExtensionView[]> {
  const competition = await loadCompetition(prisma, competitionId);
  await requireCourseStaff(prisma, actorId, competition.courseId, "see the extensions");
  return prisma.extension.findMany({ where: { competitionId }, select: view, orderBy: [{ closesAt: "asc" }, { id: "asc" }] });
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** Grants (or replaces) an extension. Instructors of the course only; audited as "extension.set". */
export async function setExtension(prisma: PrismaClient, actorId: string, competitionId: string, input: ExtensionInput): Promise<ExtensionView> {
  const competition = await loadCompetition(prisma, competitionId);
  await requireCourseInstructor(prisma, actorId, competition.courseId, "grant extensions");
  const userRef = text(input.userId);
  const email = text(input.email)?.toLowerCase() ?? null;
  const teamId = text(input.teamId);
  if ([userRef ?? email, teamId].filter(Boolean).length !== 1) {
    throw new AppError("BAD_REQUEST", "Choose who gets the extension: one student (userId or email) or one team (teamId).");
  }
  const closesAt = typeof input.closesAt === "string" || input.closesAt instanceof Date ? new Date(input.closesAt) : null;
  if (!closesAt || Number.isNaN(closesAt.getTime())) throw new AppError("BAD_REQUEST", "Enter when the extension ends, as a date and time (e.g. 2026-03-08T23:59:00Z).");
  if (closesAt <= competition.closesAt) {
    throw new AppError("BAD_REQUEST", `An extension must end after the competition's close (${competition.closesAt.toISOString()}); before that everyone is on time anyway.`);
  }
  const reason = typeof input.reason === "string" ? input.reason.trim() : "";
  if (reason.length > 500) throw new AppError("BAD_REQUEST", "Keep the reason under 500 characters.");

  let target: { userId: string } | { teamId: string };
  if (teamId) {
    const team = await prisma.team.findUnique({ where: { id: teamId }, select: { competitionId: true } });
    if (!team || team.competitionId !== competitionId) throw new AppError("NOT_FOUND", "No such team in this competition. Pick one from the teams list.");
    target = { teamId };
  } else {
    const user = await prisma.user.findFirst({ where: userRef ? { id: userRef } : { email: email! }, select: { id: true } });
    const enrollment = user ? await prisma.enrollment.findUnique({ where: { userId_courseId: { userId: user.id, courseId: competition.courseId } }, select: { role: true } }) : null;
    if (!user || enrollment?.role !== "STUDENT") throw new AppError("NOT_FOUND", "No student of this course with that id or email. Check the class list.");
    target = { userId: user.id };
  }
  return prisma.$transaction(async (tx) => {
    const where = "teamId" in target ? { competitionId_teamId: { competitionId, teamId: target.teamId } } : { competitionId_userId: { competitionId, userId: target.userId } };
    const saved = await tx.extension.upsert({
      where,
      create: { competitionId, ...target, closesAt, reason, grantedById: actorId },
      update: { closesAt, reason, grantedById: actorId },
      select: view,
    });
    await recordAudit(tx, {
      actorId,
      courseId: competition.courseId,
      action: "extension.set",
      targetType: "Extension",
      targetId: saved.id,
      details: { ...target, closesAt: closesAt.toISOString(), reason },
    });
    return saved;
  });
}

/** Withdraws an extension. Instructors of the course only; audited as "extension.remove". */
export async function removeExtension(prisma: PrismaClient, actorId: string, competitionId: string, extensionId: string): Promise<void> {
  const competition = await loadCompetition(prisma, competitionId);
  await requireCourseInstructor(prisma, actorId, competition.courseId, "withdraw extensions");
  const extension = await prisma.extension.findUnique({ where: { id: extensionId }, select: { competitionId: true } });
  if (!extension || extension.competitionId !== competitionId) throw new AppError("NOT_FOUND", "No such extension in this competition. Reload the page.");
  await prisma.$transaction(async (tx) => {
    await tx.extension.delete({ where: { id: extensionId } });
    await recordAudit(tx, { actorId, courseId: competition.courseId, action: "extension.remove", targetType: "Extension", targetId: extensionId });
  });
}
