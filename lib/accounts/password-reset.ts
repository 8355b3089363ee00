import { recordAudit } from "@/lib/audit/record";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { mailConfigured, siteLink } from "@/lib/mail/config";
import { passwordResetMessage } from "@/lib/mail/messages";
import { enqueueMail } from "@/lib/mail/outbox";
import { hashOneTimeToken, isOneTimeToken, newOneTimeToken } from "./one-time-token";
import { hashPassword } from "./password";
import { hitRateLimit, resetRateLimit } from "./rate-limit";
import { emailSchema, passwordSchema } from "./schemas";

/**
 * Password reset links: one-time links (only their sha256 is stored, like claim links) that let an
 * account choose a new password. Using one ends every session of the account (sessionVersion) and
 * revokes its API tokens: a reset is how an account is taken back, and a token someone else made
 * in it must not outlive that.
 *
 * - An instructor resets the password of a student of a course they teach (site role STUDENT
 *   only: never a staff or administrator account); a site administrator resets anybody's.
 *   Without mail (SMTP_URL unset) the link is returned for them to hand out; with mail it is
 *   mailed to the account's address and not shown.
 * - With mail, anybody can ask for a link to their own address ("Forgot password?"): the answer
 *   is the same whether or not the address has an account, and requests are rate-limited.
 *
 * Making a new link retires the account's older unused ones.
 */
export const RESET_TOKEN_PREFIX = "hpr_";
/** A link made by an instructor or administrator (handed out or mailed) works this long. */
export const RESET_LINK_HOURS = 24;
/** A link asked for on the "Forgot password?" page works this long. */
export const SELF_RESET_LINK_HOURS = 1;
/** "Forgot password?" requests per client address, and mails per address asked for, per hour. */
export const RESET_REQUESTS_PER_ADDRESS = 10;
export const RESET_MAILS_PER_EMAIL = 3;
const RESET_WINDOW_SECONDS = 3600;

export function resetPath(token: string): string {
  return `/reset-password?token=${encodeURIComponent(token)}`;
}

export type PasswordResetResult =
  | { delivery: "mail"; userId: string; email: string; name: string; expiresAt: Date }
  | { delivery: "link"; userId: string; email: string; name: string; expiresAt: Date; token: string; path: string };

/** The account an actor may reset, by id or email, or a refusal in words. */
async function resetTarget(prisma: PrismaClient, actorId: string, who: { userId?: string; email?: string }) {
  const actor = await prisma.user.findUnique({ where: { id: actorId }, select: { id: true, role: true } });
  if (!actor) throw new AppError("UNAUTHENTICATED", "Your account no longer exists. Sign in again.");
  let byWho: { id: string } | { email: string };
  if (who.userId) byWho = { id: who.userId };
  else {
    const email = emailSchema.safeParse(who.email);
    if (!email.success) throw new AppError("BAD_REQUEST", "Give the email address of the account whose password to reset.");
    byWho = { email: email.data };
  }
  const select = { id: true, email: true, name: true, passwordHash: true } as const;
  const target =
    actor.role === "ADMIN"
      ? await prisma.user.findUnique({ where: byWho, select })
      : await prisma.user.findFirst({
          // Students of a course the actor teaches (as an instructor of that course), and only
          // student accounts: an instructor never gets a link into a staff or administrator account.
          where: { ...byWho, role: "STUDENT", enrollments: { some: { role: "STUDENT", course: { enrollments: { some: { userId: actorId, role: "INSTRUCTOR" } } } } } },
          select,
        });
  if (!target) {
    throw new AppError(
      "NOT_FOUND",
      actor.role === "ADMIN" ? "No account has this email. Check the address." : "No such student in the courses you teach. Check the email; only instructors of a student's course can reset their password.",
    );
  }
  if (!target.passwordHash) {
    throw new AppError("BAD_REQUEST", `${target.email} has not set a password yet (an account from a class list): make them a claim link on the course's roster page instead.`);
  }
  return { actor, target };
}

/**
 * A new reset link for a student of the actor's course (or any account, for a site administrator).
 * With mail configured it is queued as a mail to the account and not returned; without, it is
 * returned to be handed out. Audited as "account.password-reset" (without the link).
 */
export async function createPasswordReset(prisma: PrismaClient, actorId: string, who: { userId?: string; email?: string }, now = new Date()): Promise<PasswordResetResult> {
  const { actor, target } = await resetTarget(prisma, actorId, who);
  const expiresAt = new Date(now.getTime() + RESET_LINK_HOURS * 3600 * 1000);
  const token = newOneTimeToken(RESET_TOKEN_PREFIX);
  const byMail = mailConfigured();
  await prisma.$transaction(async (tx) => {
    await tx.passwordResetToken.deleteMany({ where: { userId: target.id, usedAt: null } });
    await tx.passwordResetToken.create({ data: { userId: target.id, tokenHash: hashOneTimeToken(token), expiresAt, createdById: actor.id } });
    if (byMail) {
      const message = passwordResetMessage({ name: target.name, url: siteLink(resetPath(token)), validHours: RESET_LINK_HOURS, requestedBy: actor.role === "ADMIN" ? "admin" : "instructor" });
      await enqueueMail(tx, { to: target.email, ...message, userId: target.id });
    }
    await recordAudit(tx, { actorId: actor.id, courseId: null, action: "account.password-reset", targetType: "User", targetId: target.id, details: { delivery: byMail ? "mail" : "link", expiresAt } });
  });
  const base = { userId: target.id, email: target.email, name: target.name, expiresAt };
  return byMail ? { delivery: "mail", ...base } : { delivery: "link", ...base, token, path: resetPath(token) };
}

/**
 * "Forgot password?": mails a reset link to the address when it belongs to an account with a
 * password. Answers the same (nothing) whether or not it does. Refused when mail is not configured
 * (the page does not exist then), and past RESET_REQUESTS_PER_ADDRESS requests an hour from one
 * client address; past RESET_MAILS_PER_EMAIL an hour for one address, no further mail is sent.
 */
export async function requestPasswordReset(prisma: PrismaClient, rawEmail: unknown, options: { clientAddress?: string; now?: Date } = {}): Promise<void> {
  if (!mailConfigured()) throw new AppError("NOT_FOUND", "This site sends no mail, so it cannot mail reset links. Ask your instructor to reset your password.");
  const email = emailSchema.safeParse(rawEmail);
  if (!email.success) throw new AppError("BAD_REQUEST", "Enter the email address of your account, like ada@example.edu.");
  if (options.clientAddress) {
    const perAddress = await hitRateLimit(prisma, `reset:ip:${options.clientAddress}`, RESET_REQUESTS_PER_ADDRESS, RESET_WINDOW_SECONDS);
    if (!perAddress.allowed) {
      throw new AppError("RATE_LIMITED", `Too many reset requests from your network. Wait ${Math.ceil(perAddress.retryAfterSeconds / 60)} minutes, or ask your instructor to reset your password.`, {
        retryAfterSeconds: perAddress.retryAfterSeconds,
      });
    }
  }
  const perEmail = await hitRateLimit(prisma, `reset:email:${email.data}`, RESET_MAILS_PER_EMAIL, RESET_WINDOW_SECONDS);
  if (!perEmail.allowed) return;
  const user = await prisma.user.findUnique({ where: { email: email.data }, select: { id: true, email: true, name: true, passwordHash: true } });
  if (!user?.passwordHash) return;
  const now = options.now ?? new Date();
  const token = newOneTimeToken(RESET_TOKEN_PREFIX);
  await prisma.$transaction(async (tx) => {
    await tx.passwordResetToken.deleteMany({ where: { userId: user.id, usedAt: null } });
    await tx.passwordResetToken.create({ data: { userId: user.id, tokenHash: hashOneTimeToken(token), expiresAt: new Date(now.getTime() + SELF_RESET_LINK_HOURS * 3600 * 1000) } });
    const message = passwordResetMessage({ name: user.name, url: siteLink(resetPath(token)), validHours: SELF_RESET_LINK_HOURS, requestedBy: "self" });
    await enqueueMail(tx, { to: user.email, ...message, userId: user.id });
    await recordAudit(tx, { actorId: null, courseId: null, action: "account.password-reset-request", targetType: "User", targetId: user.id, details: { clientAddress: options.clientAddress ?? null } });
  });
}

export type ResetState = { status: "invalid" | "expired" | "used" } | { status: "ok"; email: string; name: string };

export const RESET_REFUSALS: Record<"invalid" | "expired" | "used", string> = {
  invalid: "This password reset link is not valid. Copy the whole link, or ask your instructor for a new one.",
  expired: "This password reset link has expired. Ask your instructor for a new one, or use “Forgot password?” on the sign-in page where it is offered.",
  used: "This password reset link has been used already. Sign in with your new password, or ask for a new link.",
};

async function findReset(prisma: PrismaClient, token: unknown, now: Date) {
  if (!isOneTimeToken(token, RESET_TOKEN_PREFIX)) return { status: "invalid" as const };
  const row = await prisma.passwordResetToken.findUnique({ where: { tokenHash: hashOneTimeToken(token) }, include: { user: { select: { id: true, email: true, name: true } } } });
  if (!row) return { status: "invalid" as const };
  if (row.usedAt) return { status: "used" as const };
  if (row.expiresAt <= now) return { status: "expired" as const };
  return { status: "ok" as const, row };
}

/** Whether a reset link can be used, and for which account (for its page). */
export async function inspectPasswordReset(prisma: PrismaClient, token: unknown, now = new Date()): Promise<ResetState> {
  const found = await findReset(prisma, token, now);
  return found.status === "ok" ? { status: "ok", email: found.row.user.email, name: found.row.user.name } : found;
}

/**
 * Sets the new password with a reset link: marks the link used (once, under races), ends every
 * session of the account, clears its sign-in failures and retires its other reset links. Returns
 * the account's email so the page can sign in with it.
 */
export async function completePasswordReset(prisma: PrismaClient, token: unknown, newPassword: unknown, now = new Date()): Promise<{ email: string }> {
  const password = passwordSchema.safeParse(newPassword);
  if (!password.success) throw new AppError("BAD_REQUEST", password.error.issues[0]?.message ?? "Choose a longer password.");
  const found = await findReset(prisma, token, now);
  if (found.status !== "ok") throw new AppError(found.status === "invalid" ? "NOT_FOUND" : "BAD_REQUEST", RESET_REFUSALS[found.status]);
  const { row } = found;
  const passwordHash = await hashPassword(password.data);
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.passwordResetToken.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (count !== 1) throw new AppError("BAD_REQUEST", RESET_REFUSALS.used);
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash, mustChangePassword: false, sessionVersion: { increment: 1 } } });
    await tx.passwordResetToken.deleteMany({ where: { userId: row.userId, usedAt: null } });
    const revoked = await tx.apiToken.updateMany({ where: { userId: row.userId, revokedAt: null }, data: { revokedAt: now } });
    await recordAudit(tx, { actorId: row.userId, courseId: null, action: "account.password-reset-used", targetType: "User", targetId: row.userId, details: { passwordResetTokenId: row.id, apiTokensRevoked: revoked.count } });
  });
  await resetRateLimit(prisma, `signin:email:${row.user.email}`);
  return { email: row.user.email };
}
