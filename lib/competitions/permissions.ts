import type { Enrollment, Prisma, PrismaClient } from "../db";
import { can, courseRefusal } from "../courses/permissions";

type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * Domain-level check that a user may change things in a course ("manage" in
 * lib/courses/permissions.ts: its instructors and co-instructors). `doing` finishes the sentence
 * "Only instructors of this course can ...".
 */
export async function requireCourseInstructor(tx: Tx, userId: string, courseId: string, doing: string): Promise<Enrollment> {
  const enrollment = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  if (!enrollment || !can(enrollment.role, "manage")) throw courseRefusal("manage", doing);
  return enrollment;
}

/** Domain-level check that a user may see a course's submissions and grades (instructors and TAs). */
export async function requireCourseStaff(tx: Tx, userId: string, courseId: string, doing: string): Promise<Enrollment> {
  const enrollment = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  if (!enrollment || !can(enrollment.role, "see")) throw courseRefusal("see", doing);
  return enrollment;
}

export async function isCourseInstructor(tx: Tx, userId: string, courseId: string): Promise<boolean> {
  const enrollment = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  return can(enrollment?.role, "manage");
}
