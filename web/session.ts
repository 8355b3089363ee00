import { getServerSession, type Session } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { can, isAdmin } from "@/lib/courses/permissions";
import { db, type Role } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { authOptions } from "./auth-options";

/** `role` is the site role (ADMIN, INSTRUCTOR, STUDENT); what a user may do in a course is decided by lib/courses/permissions.ts. */
export type SessionUser = { id: string; email: string; name: string; role: Role; mustChangePassword: boolean };

/** Where a user who must change their password is sent; the only page they can use until then. */
export const CHANGE_PASSWORD_PATH = "/account";
export const MUST_CHANGE_PASSWORD_MESSAGE = "Choose your own password first: your account page (/account) asks for it. Until then nothing else can be used.";

/**
 * The user a next-auth session belongs to, fresh from the database, or null when there is none or
 * the session was signed before the user's last password change or reset (its session version is
 * older): such a cookie counts as signed out.
 */
export async function userOfSession(session: Session | null): Promise<SessionUser | null> {
  const claims = session?.user as { id?: string; sessionVersion?: number } | undefined;
  if (!claims?.id) return null;
  const user = await db().user.findUnique({
    where: { id: claims.id },
    select: { id: true, email: true, name: true, role: true, mustChangePassword: true, sessionVersion: true },
  });
  if (!user || user.sessionVersion !== (claims.sessionVersion ?? 0)) return null;
  const { sessionVersion: _version, ...rest } = user;
  return rest;
}

/** The signed-in user, fresh from the database, or null. Cached for one request. */
export const currentUser = cache(async (): Promise<SessionUser | null> => userOfSession(await getServerSession(authOptions)));

/**
 * For pages: the signed-in user, or a redirect to the sign-in page. A user who must change their
 * password (a new or reset instructor account) is sent to the account page instead; only that
 * page passes `allowPasswordChange`.
 */
export async function requireUser(options: { allowPasswordChange?: boolean } = {}): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  if (user.mustChangePassword && !options.allowPasswordChange) redirect(CHANGE_PASSWORD_PATH);
  return user;
}

/** For server actions: the signed-in user, or an error in words (actions answer, not redirect). */
export async function requireActionUser(options: { allowPasswordChange?: boolean } = {}): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session ended. Sign in again, then retry.");
  if (user.mustChangePassword && !options.allowPasswordChange) throw new AppError("FORBIDDEN", MUST_CHANGE_PASSWORD_MESSAGE);
  return user;
}

/** For instructor pages: a real 403 response for anybody else, not a hidden button. */
export async function requireInstructor(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "INSTRUCTOR") forbidden();
  return user;
}

/** Course-level check: instructors of this course (co-instructors included) only. */
export async function requireCourseInstructor(courseId: string): Promise<SessionUser> {
  const user = await requireInstructor();
  const enrollment = await db().enrollment.findUnique({ where: { userId_courseId: { userId: user.id, courseId } } });
  if (!can(enrollment?.role, "manage")) forbidden();
  return user;
}

/** For the site administrator's pages: a real 403 for everybody else. */
export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (!isAdmin(user.role)) forbidden();
  return user;
}

/** For server actions of the site administrator. */
export async function requireActionAdmin(): Promise<SessionUser> {
  const user = await requireActionUser();
  if (!isAdmin(user.role)) throw new AppError("FORBIDDEN", "Only site administrators can do this.");
  return user;
}
