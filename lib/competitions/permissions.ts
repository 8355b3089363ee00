import { AppError } from "../errors";
import type { Enrollment, Prisma, PrismaClient } from "../db";

type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * Domain-level check that a user is an instructor of a course (their Enrollment there has role
 * INSTRUCTOR). `doing` finishes the sentence "Only instructors of this course can ...".
 */
export async function requireCourseInstructor(tx: Tx, userId: string, courseId: string, doing: string): Promise<Enrollment> {
  const enrollment = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  if (!enrollment || enrollment.role !== "INSTRUCTOR") {
    throw new AppError("FORBIDDEN", `Only instructors of this course can ${doing}. Ask an instructor of the course if this needs doing.`);
  }
  return enrollment;
}

export async function isCourseInstructor(tx: Tx, userId: string, courseId: string): Promise<boolean> {
  const enrollment = await tx.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  return enrollment?.role === "INSTRUCTOR";
}
