import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db";
import { authOptions } from "./auth-options";

export type SessionUser = { id: string; email: string; name: string; role: "INSTRUCTOR" | "STUDENT"; mustChangePassword: boolean };

/** The signed-in user, fresh from the database, or null. Cached for one request. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, mustChangePassword: true } });
  return user;
});

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return user;
}

/** For instructor pages: a real 403 response for anybody else, not a hidden button. */
export async function requireInstructor(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "INSTRUCTOR") forbidden();
  return user;
}

/** Course-level check: instructors of this course only. */
export async function requireCourseInstructor(courseId: string): Promise<SessionUser> {
  const user = await requireInstructor();
  const enrollment = await db().enrollment.findUnique({ where: { userId_courseId: { userId: user.id, courseId } } });
  if (!enrollment || enrollment.role !== "INSTRUCTOR") forbidden();
  return user;
}
