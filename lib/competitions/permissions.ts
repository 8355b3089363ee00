import type { Enrollment, Prisma, PrismaClient } from "@/lib/db";
import { can, courseRefusal, courseRole, type CourseAction } from "@/lib/courses/permissions";

type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * Domain-level check that a user may change things in a course ("manage" in
 * lib/courses/permissions.ts: its instructors and co-instructors). `doing` finishes the sentence
 * "Only instructors of this course can ...".
 */
export function requireCourseInstructor(tx: Tx, userId: string, courseId: string, doing: string): Promise<Enrollment> {
  return requireEnrolled(tx, userId, courseId, "manage", doing);
}

/** Domain-level check that a user may see a course's submissions and grades (instructors and TAs). */
export function requireCourseStaff(tx: Tx, userId: string, courseId: string, doing: string): Promise<Enrollment> {
  return requireEnrolled(tx, userId, courseId, "see", doing);
}

/** Unlike lib/courses' requireCourse, anyone not allowed (enrolled or not) gets the same FORBIDDEN. */
async function requireEnrolled(tx: Tx, userId: string, courseId: string, action: CourseAction, doing: string): Promise<Enrollment> {
  const enrollment = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  if (!enrollment || !can(enrollment.role, action)) throw courseRefusal(action, doing);
  return enrollment;
}

export async function isCourseInstructor(tx: Tx, userId: string, courseId: string): Promise<boolean> {
  return can(await courseRole(tx, userId, courseId), "manage");
}
