import { z } from "zod";
import { emailSchema } from "@/lib/accounts/schemas";
import { generateJoinCode } from "@/lib/accounts/accounts";
import { recordAudit } from "@/lib/audit/record";
import { Prisma, type Course, type PrismaClient, type Role } from "@/lib/db";
import { AppError, parseInput } from "@/lib/errors";
import { can, canCreateCourses, requireCourse, STAFF_ROLES, type StaffRole } from "./permissions";

export const courseInputSchema = z.object({
  name: z.string({ error: "Give the course a name, like \"Deep Learning\"." }).trim().min(1, "Give the course a name, like \"Deep Learning\".").max(120, "Keep the course name under 120 characters."),
  term: z.string().trim().max(60, "Keep the term under 60 characters, like \"Fall 2026\".").optional().default(""),
});
export type CourseInput = z.input<typeof courseInputSchema>;

/** A course as its member sees it; the join code only for its staff (instructors and TAs). */
export interface CourseView {
  id: string;
  name: string;
  term: string;
  /** The viewer's role in the course. */
  role: Role;
  archived: boolean;
  joinEnabled: boolean;
  joinCode?: string;
  createdAt: string;
}

export function courseView(course: Course, role: Role): CourseView {
  return {
    id: course.id,
    name: course.name,
    term: course.term,
    role,
    archived: course.archivedAt !== null,
    joinEnabled: course.joinEnabled,
    ...(can(role, "see") ? { joinCode: course.joinCode } : {}),
    createdAt: course.createdAt.toISOString(),
  };
}

function joinCodePrefix(name: string): string {
  const initials = name.split(/\s+/).map((word) => word[0] ?? "").join("").toUpperCase().replace(/[^A-Z0-9]/g, "");
  return initials.slice(0, 4) || "HO";
}

async function uniqueJoinCode(prisma: PrismaClient | Prisma.TransactionClient, name: string): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const code = generateJoinCode(joinCodePrefix(name));
    if (!(await prisma.course.findUnique({ where: { joinCode: code }, select: { id: true } }))) return code;
  }
  throw new AppError("UNAVAILABLE", "Could not find a free join code. Try again.");
}

/**
 * Creates a course with a fresh join code; its creator becomes its first instructor. Only accounts
 * whose site role lets them create courses (instructors). Audited as "course.create".
 */
export async function createCourse(prisma: PrismaClient, actorId: string, input: CourseInput): Promise<CourseView> {
  const actor = await prisma.user.findUnique({ where: { id: actorId }, select: { role: true } });
  if (!actor || !canCreateCourses(actor.role)) {
    throw new AppError("FORBIDDEN", "Only instructor accounts can create courses. Ask a site administrator for an instructor account (holdout create-instructor, or the /admin page).");
  }
  const { name, term } = parseInput(courseInputSchema, input);
  const joinCode = await uniqueJoinCode(prisma, name);
  const course = await prisma.$transaction(async (tx) => {
    const created = await tx.course.create({ data: { name, term, joinCode, createdById: actorId, enrollments: { create: { userId: actorId, role: "INSTRUCTOR" } } } });
    await recordAudit(tx, { actorId, courseId: created.id, action: "course.create", targetType: "Course", targetId: created.id, details: { name, term } });
    return created;
  });
  return courseView(course, "INSTRUCTOR");
}

/** The caller's courses with their role in each, oldest first; archived ones last. */
export async function coursesOfUser(prisma: PrismaClient, userId: string): Promise<CourseView[]> {
  const enrollments = await prisma.enrollment.findMany({ where: { userId }, include: { course: true }, orderBy: { createdAt: "asc" } });
  const views = enrollments.map((enrollment) => courseView(enrollment.course, enrollment.role));
  return [...views.filter((view) => !view.archived), ...views.filter((view) => view.archived)];
}

export const courseUpdateSchema = z
  .object({
    name: courseInputSchema.shape.name.optional(),
    term: z.string().trim().max(60, "Keep the term under 60 characters, like \"Fall 2026\".").optional(),
    /** Off: the join code is refused; the class list and claim links still work. */
    joinEnabled: z.boolean().optional(),
    /** A new join code; the old one stops working at once. */
    regenerateJoinCode: z.boolean().optional(),
    archived: z.boolean().optional(),
  })
  .strict();
export type CourseUpdate = z.input<typeof courseUpdateSchema>;

/**
 * Changes a course's name, term, join code (a new one, or on/off) or archive state. Instructors of
 * the course only (co-instructors included); audited as "course.update" with what changed.
 */
export async function updateCourse(prisma: PrismaClient, actorId: string, courseId: string, input: CourseUpdate): Promise<CourseView> {
  const enrollment = await requireCourse(prisma, actorId, courseId, "manage", "change the course's settings");
  const update = parseInput(courseUpdateSchema, input);
  const current = await prisma.course.findUniqueOrThrow({ where: { id: courseId } });
  const data: Prisma.CourseUpdateInput = {};
  if (update.name !== undefined) data.name = update.name;
  if (update.term !== undefined) data.term = update.term;
  if (update.joinEnabled !== undefined) data.joinEnabled = update.joinEnabled;
  if (update.regenerateJoinCode) data.joinCode = await uniqueJoinCode(prisma, update.name ?? current.name);
  if (update.archived !== undefined) data.archivedAt = update.archived ? (current.archivedAt ?? new Date()) : null;
  const course = await prisma.$transaction(async (tx) => {
    const updated = await tx.course.update({ where: { id: courseId }, data });
    const details: Record<string, unknown> = { ...update };
    // The new code itself is not written to the log: it is a credential.
    if (update.regenerateJoinCode) details.regenerateJoinCode = true;
    await recordAudit(tx, { actorId, courseId, action: update.archived !== undefined && Object.keys(update).length === 1 ? (update.archived ? "course.archive" : "course.unarchive") : "course.update", targetType: "Course", targetId: courseId, details });
    return updated;
  });
  return courseView(course, enrollment.role);
}

export const staffInputSchema = z.object({
  email: emailSchema,
  role: z.preprocess((value) => (typeof value === "string" ? value.trim().toUpperCase() : value), z.enum(STAFF_ROLES, { error: "The role is INSTRUCTOR (a co-instructor) or TA (a teaching assistant)." })),
});
export type StaffInput = z.input<typeof staffInputSchema>;

export interface StaffMember {
  userId: string;
  email: string;
  name: string;
  role: StaffRole;
}

/**
 * Adds a co-instructor (INSTRUCTOR) or a teaching assistant (TA) to a course, or changes the
 * course role of someone already in it (a student becomes a TA). The account must exist;
 * co-instructors need an instructor account (site role). The last instructor cannot be made a TA.
 * Instructors of the course only; audited as "course.staff".
 */
export async function addStaff(prisma: PrismaClient, actorId: string, courseId: string, input: StaffInput): Promise<StaffMember> {
  await requireCourse(prisma, actorId, courseId, "manage", "add co-instructors or teaching assistants");
  const { email, role } = parseInput(staffInputSchema, input);
  const user = await prisma.user.findUnique({ where: { email } });
  if (!user) {
    throw new AppError(
      "NOT_FOUND",
      role === "INSTRUCTOR"
        ? `No account has the email ${email}. A site administrator creates instructor accounts (the /admin page, or holdout create-instructor); add them here after that.`
        : `No account has the email ${email}. Ask them to sign up (or import them with the class list), then add them here.`,
      { field: "email" },
    );
  }
  if (role === "INSTRUCTOR" && user.role !== "INSTRUCTOR") {
    throw new AppError("BAD_REQUEST", `${email} is not an instructor account, so it cannot be a co-instructor. Make them a TA, or ask a site administrator for an instructor account for them.`, { field: "email" });
  }
  return prisma.$transaction(async (tx) => {
    const existing = await tx.enrollment.findUnique({ where: { userId_courseId: { userId: user.id, courseId } } });
    if (existing?.role === "INSTRUCTOR" && role !== "INSTRUCTOR") {
      const instructors = await tx.enrollment.count({ where: { courseId, role: "INSTRUCTOR" } });
      if (instructors <= 1) throw new AppError("CONFLICT", "A course needs at least one instructor. Add another instructor first.");
    }
    await tx.enrollment.upsert({
      where: { userId_courseId: { userId: user.id, courseId } },
      create: { userId: user.id, courseId, role },
      update: { role },
    });
    // Staff are not on the class list: a pending student enrolment for them would be stale.
    await tx.pendingEnrollment.deleteMany({ where: { userId: user.id, courseId } });
    await recordAudit(tx, { actorId, courseId, action: "course.staff", targetType: "Enrollment", targetId: user.id, details: { email, role, before: existing?.role ?? null } });
    return { userId: user.id, email: user.email, name: user.name, role };
  });
}

/** The course roles a member can be given on the staff card (STUDENT: back to the class). */
export const MEMBER_ROLES = ["INSTRUCTOR", "TA", "STUDENT"] as const;
const memberRoleSchema = z.preprocess((value) => (typeof value === "string" ? value.trim().toUpperCase() : value), z.enum(MEMBER_ROLES, { error: "The role is INSTRUCTOR (a co-instructor), TA (a teaching assistant) or STUDENT." }));

/**
 * In one transaction with the course's row locked (so two instructors demoting each other at once
 * cannot leave the course without one): refuses a change that would leave no instructor.
 */
async function keepOneInstructor(tx: Prisma.TransactionClient, courseId: string, userId: string, nextRole: Role | null): Promise<void> {
  await tx.$queryRaw`SELECT "id" FROM "Course" WHERE "id" = ${courseId} FOR UPDATE`;
  const current = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } }, select: { role: true } });
  if (current?.role !== "INSTRUCTOR" || nextRole === "INSTRUCTOR") return;
  const instructors = await tx.enrollment.count({ where: { courseId, role: "INSTRUCTOR" } });
  if (instructors <= 1) throw new AppError("CONFLICT", "A course needs at least one instructor. Add another instructor first, then change or remove this one.");
}

/**
 * Changes a member's course role (co-instructor, TA, or back to student). A co-instructor needs an
 * instructor account (site role); the last instructor keeps the role. Instructors of the course
 * only; audited as "course.staff".
 */
export async function changeMemberRole(prisma: PrismaClient, actorId: string, courseId: string, userId: string, role: unknown): Promise<StaffMember | { userId: string; email: string; name: string; role: "STUDENT" }> {
  await requireCourse(prisma, actorId, courseId, "manage", "change course roles");
  const parsed = memberRoleSchema.safeParse(role);
  if (!parsed.success) throw new AppError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "Choose a role.", { field: "role" });
  const next = parsed.data;
  return prisma.$transaction(async (tx) => {
    const member = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } }, include: { user: { select: { email: true, name: true, role: true } } } });
    if (!member) throw new AppError("NOT_FOUND", "That person is not in this course (any more). Reload the page.");
    if (next === "INSTRUCTOR" && member.user.role !== "INSTRUCTOR") {
      throw new AppError("BAD_REQUEST", `${member.user.email} is not an instructor account, so it cannot be a co-instructor. Make them a TA, or ask a site administrator for an instructor account for them.`, { field: "role" });
    }
    await keepOneInstructor(tx, courseId, userId, next);
    if (member.role !== next) {
      await tx.enrollment.update({ where: { userId_courseId: { userId, courseId } }, data: { role: next } });
      await recordAudit(tx, { actorId, courseId, action: "course.staff", targetType: "Enrollment", targetId: userId, details: { email: member.user.email, role: next, before: member.role } });
    }
    return { userId, email: member.user.email, name: member.user.name, role: next };
  });
}

/**
 * Removes a co-instructor or TA from the course (their enrolment goes; their account stays).
 * Students leave through the class list (lib/roster). The last instructor cannot be removed.
 * Instructors of the course only; audited as "course.staff.remove".
 */
export async function removeStaff(prisma: PrismaClient, actorId: string, courseId: string, userId: string): Promise<void> {
  await requireCourse(prisma, actorId, courseId, "manage", "remove co-instructors or teaching assistants");
  await prisma.$transaction(async (tx) => {
    const member = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } }, include: { user: { select: { email: true } } } });
    if (!member) throw new AppError("NOT_FOUND", "That person is not in this course (any more). Reload the page.");
    if (!(STAFF_ROLES as readonly Role[]).includes(member.role)) throw new AppError("BAD_REQUEST", `${member.user.email} is a student of the course, not staff. Remove students on the Roster page.`);
    await keepOneInstructor(tx, courseId, userId, null);
    await tx.enrollment.delete({ where: { userId_courseId: { userId, courseId } } });
    await recordAudit(tx, { actorId, courseId, action: "course.staff.remove", targetType: "Enrollment", targetId: userId, details: { email: member.user.email, role: member.role } });
  });
}

/** The course's instructors and TAs, for its staff. */
export async function courseStaff(prisma: PrismaClient, actorId: string, courseId: string): Promise<StaffMember[]> {
  await requireCourse(prisma, actorId, courseId, "see", "see the course's staff");
  const rows = await prisma.enrollment.findMany({ where: { courseId, role: { in: [...STAFF_ROLES] } }, include: { user: { select: { id: true, email: true, name: true } } }, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({ userId: row.user.id, email: row.user.email, name: row.user.name, role: row.role as StaffRole }));
}

/** For adding competitions: the course must not be archived. */
export async function requireActiveCourse(prisma: PrismaClient, courseId: string): Promise<void> {
  const course = await prisma.course.findUnique({ where: { id: courseId }, select: { archivedAt: true } });
  if (course?.archivedAt) throw new AppError("CONFLICT", "This course is archived. Unarchive it on the course page to add competitions.");
}
