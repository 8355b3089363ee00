import { randomInt } from "node:crypto";
import { AppError } from "@/lib/errors";
import { Prisma, type Competition, type PrismaClient } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { courseRole } from "@/lib/courses/permissions";
import { requireCourseStaff } from "@/lib/competitions/permissions";

type Tx = Prisma.TransactionClient | PrismaClient;
type TeamRules = Pick<Competition, "id" | "courseId" | "closesAt" | "teamSizeLimit" | "teamMergeDeadline">;

/**
 * Teams (Kaggle's rules, simplified): a student creates a team and gets an invite code; classmates
 * join with the code until the competition's team deadline (teamMergeDeadline, else the close) and
 * up to its team size limit; a member may leave before that deadline. One team per person per
 * competition (TeamMember's unique key). Submissions made while in a team carry its id; the daily
 * limit, the final selection and the grade are the team's.
 */
export interface TeamView {
  id: string;
  name: string;
  /** Shown to the team's own members and the course's staff only. */
  inviteCode: string | null;
  members: Array<{ id: string; name: string }>;
  createdAt: Date;
}

export interface TeamWindow {
  /** teamSizeLimit > 1. */
  enabled: boolean;
  sizeLimit: number;
  /** teamMergeDeadline, else the close. */
  deadline: Date;
  /** Teams can be formed, joined and left now. */
  open: boolean;
}

export function teamWindow(competition: Pick<Competition, "closesAt" | "teamSizeLimit" | "teamMergeDeadline">, now = new Date()): TeamWindow {
  const deadline = competition.teamMergeDeadline ?? competition.closesAt;
  const enabled = competition.teamSizeLimit > 1;
  return { enabled, sizeLimit: competition.teamSizeLimit, deadline, open: enabled && now < deadline };
}

/** The refusal when teams cannot change now (individual work, or after the team deadline); null when they can. */
function windowRefusal(competition: TeamRules, now: Date): AppError | null {
  const window = teamWindow(competition, now);
  if (!window.enabled) return new AppError("FORBIDDEN", "This competition is individual work: its instructor has not allowed teams.");
  if (!window.open) {
    return new AppError("FORBIDDEN", `Teams were fixed at ${window.deadline.toISOString()} (the team deadline); they can no longer be formed, joined or left. Ask an instructor if something needs changing.`);
  }
  return null;
}

async function requireStudent(tx: Tx, userId: string, competition: TeamRules): Promise<void> {
  const role = await courseRole(tx, userId, competition.courseId);
  if (!role) throw new AppError("NOT_FOUND", "No such competition in your courses. Check the name on your course page.");
  if (role !== "STUDENT") throw new AppError("FORBIDDEN", "Only students of the course form teams; the staff's submissions are baselines.");
}

async function loadCompetition(tx: Tx, competitionId: string): Promise<TeamRules> {
  const competition = await tx.competition.findUnique({ where: { id: competitionId }, select: { id: true, courseId: true, closesAt: true, teamSizeLimit: true, teamMergeDeadline: true } });
  if (!competition) throw new AppError("NOT_FOUND", "This competition does not exist any more. Reload the course page.");
  return competition;
}

/** Unambiguous letters and digits (no 0/O, 1/I/L). */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

function generateInviteCode(): string {
  let code = "T-";
  for (let i = 0; i < 10; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** The code as typed: spaces dropped, upper case, the "T-" prefix optional. */
function normalizeInviteCode(code: unknown): string {
  if (typeof code !== "string" || code.trim() === "") throw new AppError("BAD_REQUEST", "Enter the invite code a team member gave you (it looks like T-ABCD234XYZ).");
  const text = code.replace(/\s+/g, "").toUpperCase();
  return text.startsWith("T-") ? text : `T-${text}`;
}

function uniqueTarget(error: unknown): string | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2002") return null;
  const target = (error.meta as { target?: unknown } | undefined)?.target;
  const text = Array.isArray(target) ? target.join(",") : String(target ?? "");
  // The driver adapter may name the constraint in the message instead.
  return `${text} ${error.message}`;
}

const TEAM_SELECT = { id: true, name: true, inviteCode: true, createdAt: true, members: { select: { user: { select: { id: true, name: true } } } } } as const;

function toView(team: { id: string; name: string; inviteCode: string | null; createdAt: Date; members: Array<{ user: { id: string; name: string } }> }): TeamView {
  const members = team.members.map((m) => m.user).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { id: team.id, name: team.name, inviteCode: team.inviteCode, members, createdAt: team.createdAt };
}

async function teamView(tx: Tx, teamId: string): Promise<TeamView> {
  return toView(await tx.team.findUniqueOrThrow({ where: { id: teamId }, select: TEAM_SELECT }));
}

/** The user's team in the competition (with its invite code: they are a member), or null. */
export async function teamOf(tx: Tx, competitionId: string, userId: string): Promise<TeamView | null> {
  const membership = await tx.teamMember.findUnique({ where: { competitionId_userId: { competitionId, userId } }, select: { teamId: true } });
  return membership ? teamView(tx, membership.teamId) : null;
}

function checkName(name: unknown): string {
  const text = typeof name === "string" ? name.trim().replace(/\s+/g, " ") : "";
  if (text.length < 2 || text.length > 60) throw new AppError("BAD_REQUEST", "Give the team a name of 2 to 60 characters; everyone in the course sees it on the leaderboard.");
  return text;
}

const nameTaken = (name: string) => new AppError("CONFLICT", `A team called "${name}" already exists in this competition. Choose another name, or ask that team for its invite code.`);

/** Creates a team with the user as its first member. Refused after the team deadline, for individual work, and when the user is already in a team. */
export async function createTeam(prisma: PrismaClient, userId: string, competitionId: string, name: unknown, options: { now?: Date } = {}): Promise<TeamView> {
  const now = options.now ?? new Date();
  const competition = await loadCompetition(prisma, competitionId);
  await requireStudent(prisma, userId, competition);
  const refusal = windowRefusal(competition, now);
  if (refusal) throw refusal;
  const teamName = checkName(name);
  try {
    return await prisma.$transaction(async (tx) => {
      if (await tx.teamMember.findUnique({ where: { competitionId_userId: { competitionId, userId } }, select: { id: true } })) {
        throw new AppError("CONFLICT", "You are already in a team in this competition. Leave it first to start another one.");
      }
      if (await tx.team.findUnique({ where: { competitionId_name: { competitionId, name: teamName } }, select: { id: true } })) throw nameTaken(teamName);
      const team = await tx.team.create({
        data: { competitionId, name: teamName, inviteCode: generateInviteCode(), createdById: userId, members: { create: { userId, competitionId } } },
      });
      // The member's own final selection would add to the team's: it starts empty.
      await tx.submission.updateMany({ where: { competitionId, userId, teamId: null, selectedForFinal: true }, data: { selectedForFinal: false } });
      await recordAudit(tx, { actorId: userId, courseId: competition.courseId, action: "team.create", targetType: "Team", targetId: team.id, details: { name: teamName } });
      return teamView(tx, team.id);
    });
  } catch (error) {
    const target = uniqueTarget(error);
    if (target?.includes("userId")) throw new AppError("CONFLICT", "You are already in a team in this competition. Leave it first to start another one.");
    if (target) throw nameTaken(teamName);
    throw error;
  }
}

/**
 * Joins the team with this invite code. The team's row is locked while its members are counted
 * and the new one is added, so two students racing for the last place cannot both get it.
 */
export async function joinTeam(prisma: PrismaClient, userId: string, competitionId: string, code: unknown, options: { now?: Date } = {}): Promise<TeamView> {
  const now = options.now ?? new Date();
  const competition = await loadCompetition(prisma, competitionId);
  await requireStudent(prisma, userId, competition);
  const refusal = windowRefusal(competition, now);
  if (refusal) throw refusal;
  const inviteCode = normalizeInviteCode(code);
  try {
    return await prisma.$transaction(async (tx) => {
      const [team] = await tx.$queryRaw<Array<{ id: string; name: string }>>`
        SELECT "id", "name" FROM "Team" WHERE "inviteCode" = ${inviteCode} AND "competitionId" = ${competitionId} FOR UPDATE`;
      if (!team) throw new AppError("NOT_FOUND", "No team in this competition has that invite code. Check it with the team member who sent it.");
      const current = await tx.teamMember.findUnique({ where: { competitionId_userId: { competitionId, userId } }, select: { teamId: true } });
      if (current?.teamId === team.id) throw new AppError("CONFLICT", `You are already in "${team.name}".`);
      if (current) throw new AppError("CONFLICT", "You are already in a team in this competition. Leave it first, then join the other one.");
      const size = await tx.teamMember.count({ where: { teamId: team.id } });
      if (size >= competition.teamSizeLimit) {
        throw new AppError("CONFLICT", `"${team.name}" is full: teams in this competition have at most ${competition.teamSizeLimit} members. Ask the team, or start your own team.`);
      }
      await tx.teamMember.create({ data: { teamId: team.id, userId, competitionId } });
      await tx.submission.updateMany({ where: { competitionId, userId, teamId: null, selectedForFinal: true }, data: { selectedForFinal: false } });
      await recordAudit(tx, { actorId: userId, courseId: competition.courseId, action: "team.join", targetType: "Team", targetId: team.id });
      return teamView(tx, team.id);
    });
  } catch (error) {
    if (uniqueTarget(error)) throw new AppError("CONFLICT", "You are already in a team in this competition. Leave it first, then join the other one.");
    throw error;
  }
}

/**
 * Leaves the user's team before the team deadline. Submissions made for the team stay the team's.
 * A team left empty with no submissions is deleted.
 */
export async function leaveTeam(prisma: PrismaClient, userId: string, competitionId: string, options: { now?: Date } = {}): Promise<{ teamId: string; deleted: boolean }> {
  const now = options.now ?? new Date();
  const competition = await loadCompetition(prisma, competitionId);
  await requireStudent(prisma, userId, competition);
  const refusal = windowRefusal(competition, now);
  if (refusal) throw refusal;
  return prisma.$transaction(async (tx) => {
    const membership = await tx.teamMember.findUnique({ where: { competitionId_userId: { competitionId, userId } }, select: { id: true, teamId: true } });
    if (!membership) throw new AppError("NOT_FOUND", "You are not in a team in this competition.");
    await tx.$queryRaw`SELECT "id" FROM "Team" WHERE "id" = ${membership.teamId} FOR UPDATE`;
    await tx.teamMember.delete({ where: { id: membership.id } });
    const left = await tx.teamMember.count({ where: { teamId: membership.teamId } });
    const submissions = await tx.submission.count({ where: { teamId: membership.teamId } });
    const deleted = left === 0 && submissions === 0;
    if (deleted) await tx.team.delete({ where: { id: membership.teamId } });
    await recordAudit(tx, { actorId: userId, courseId: competition.courseId, action: "team.leave", targetType: "Team", targetId: membership.teamId, details: { deleted } });
    return { teamId: membership.teamId, deleted };
  });
}

/** Every team of the competition with its members and invite code (the course's staff only). */
export async function listTeams(prisma: PrismaClient, actorId: string, competitionId: string): Promise<TeamView[]> {
  const competition = await loadCompetition(prisma, competitionId);
  await requireCourseStaff(prisma, actorId, competition.courseId, "see the teams");
  const teams = await prisma.team.findMany({ where: { competitionId }, select: TEAM_SELECT, orderBy: [{ name: "asc" }, { id: "asc" }] });
  return teams.map(toView);
}
