import { AppError } from "@/lib/errors";
import type { Enrollment, Prisma, PrismaClient, Role } from "@/lib/db";

type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * The one place that decides what a person may do in a course, by their role there (their
 * Enrollment's role). Every check in lib/, web/ and app/ asks `can` / `requireCourse`.
 *
 * - STUDENT: sees the course's competitions and leaderboards, submits, sees their own work.
 * - TA: everything a student sees, plus every submission, the private leaderboard, grades and
 *   the class list and join code ("see"). Changes nothing.
 * - INSTRUCTOR (the course's creator and every co-instructor alike): also changes everything
 *   ("manage"): competitions and their settings, closing, rescoring, moderation, hidden test
 *   sets, the class list and claim links, the join code, the staff, archiving.
 * - Anyone without an enrolment: nothing, and is answered as if the course did not exist (404).
 *
 * Site roles (User.role) are separate: INSTRUCTOR may create courses, ADMIN may create instructor
 * accounts. Neither gives any right inside a course one is not enrolled in.
 */
export type CourseAction = "participate" | "see" | "manage";

const ALLOWED: Record<CourseAction, ReadonlySet<Role>> = {
  participate: new Set<Role>(["STUDENT", "TA", "INSTRUCTOR"]),
  see: new Set<Role>(["TA", "INSTRUCTOR"]),
  manage: new Set<Role>(["INSTRUCTOR"]),
};

/** The roles a course's staff can be given (co-instructors are INSTRUCTOR). */
export const STAFF_ROLES = ["INSTRUCTOR", "TA"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function can(role: Role | null | undefined, action: CourseAction): boolean {
  return !!role && ALLOWED[action].has(role);
}

export function isStaffRole(role: Role | null | undefined): boolean {
  return can(role, "see");
}

/** Site role: who may create courses of their own. */
export function canCreateCourses(siteRole: Role): boolean {
  return siteRole === "INSTRUCTOR";
}

/** Site role: who may create instructor accounts. */
export function isAdmin(siteRole: Role): boolean {
  return siteRole === "ADMIN";
}

export async function courseRole(tx: Tx, userId: string, courseId: string): Promise<Role | null> {
  const enrollment = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } }, select: { role: true } });
  return enrollment?.role ?? null;
}

const WHO: Record<CourseAction, string> = {
  participate: "members of this course",
  see: "instructors and teaching assistants of this course",
  manage: "instructors of this course",
};

/** The one wording of a refusal inside a course: "Only <who may> can <doing>." */
export function courseRefusal(action: CourseAction, doing: string): AppError {
  return new AppError("FORBIDDEN", `Only ${WHO[action]} can ${doing}. Ask an instructor of the course if this needs doing.`);
}

/**
 * The caller's enrolment when their role allows `action`; otherwise FORBIDDEN for members of the
 * course and NOT_FOUND for everyone else (as for a course that does not exist). `doing` finishes
 * the sentence "Only ... can ...".
 */
export async function requireCourse(tx: Tx, userId: string, courseId: string, action: CourseAction, doing: string): Promise<Enrollment> {
  const enrollment = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  if (!enrollment) throw new AppError("NOT_FOUND", "No such course among your courses. Check the course id.");
  if (!can(enrollment.role, action)) throw courseRefusal(action, doing);
  return enrollment;
}
