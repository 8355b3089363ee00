import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requireCourseInstructor } from "@/lib/competitions/permissions";
import { mailConfigured, siteLink } from "@/lib/mail/config";
import { claimLinkMessage } from "@/lib/mail/messages";
import { enqueueMail } from "@/lib/mail/outbox";
import { hashOneTimeToken, isOneTimeToken, newOneTimeToken } from "./one-time-token";
import { hashPassword } from "./password";
import { nameSchema, passwordSchema } from "./schemas";

/**
 * Claim links: the proof that the person setting the password of an account imported with a class
 * list is the student on that list. The instructor hands each student their link (from the roster
 * page, or a CSV of all links for the LMS's mail merge), or, when the site sends mail (SMTP_URL),
 * has Holdout mail them (`mail: true`). A link works once,
 * expires after CLAIM_LINK_DAYS, and only its sha256 is stored, so the roster page cannot show an
 * old link again: making links makes new ones (and retires the student's older unused ones).
 *
 * Two kinds, by the account's state when the link is used:
 * - "set-password": the imported account has no password yet; the link sets it (and the name).
 * - "accept": the email belongs to an account that already had a password when the list was
 *   imported. Nothing proves that account's owner is the student on the list (anybody can sign up
 *   with any email), so the import only made a pending enrolment; the link, opened while signed
 *   in as that account, turns it into an enrolment.
 */
export const CLAIM_LINK_DAYS = 14;
export const CLAIM_TOKEN_PREFIX = "hcl_";

export function hashClaimToken(token: string): string {
  return hashOneTimeToken(token);
}

export function claimPath(token: string): string {
  return `/claim?token=${encodeURIComponent(token)}`;
}

export interface ClaimLink {
  userId: string;
  email: string;
  name: string;
  studentNumber: string | null;
  kind: "set-password" | "accept";
  token: string;
  /** Relative to the site: /claim?token=... */
  path: string;
  expiresAt: Date;
}

/**
 * New claim links for the course's students who still need one: imported accounts without a
 * password, and pending enrolments. `userIds` narrows it (one student's link). With `mail`, each
 * link is also queued as a mail to its student (refused when the site sends no mail). Instructors
 * of the course only; audited as "roster.claim-links" (without the links).
 */
export async function createClaimLinks(prisma: PrismaClient, actorId: string, courseId: string, options: { userIds?: string[]; now?: Date; mail?: boolean } = {}): Promise<ClaimLink[]> {
  await requireCourseInstructor(prisma, actorId, courseId, "make claim links");
  if (options.mail && !mailConfigured()) throw new AppError("BAD_REQUEST", "This site sends no mail (SMTP_URL is not set): make the links and hand them out yourself.");
  const now = options.now ?? new Date();
  const only = options.userIds ? { userId: { in: options.userIds } } : {};
  const [unclaimed, pending] = await Promise.all([
    prisma.enrollment.findMany({
      where: { courseId, role: "STUDENT", user: { passwordHash: null }, ...only },
      select: { rosterName: true, studentNumber: true, user: { select: { id: true, email: true, name: true } } },
    }),
    prisma.pendingEnrollment.findMany({
      where: { courseId, ...only },
      select: { rosterName: true, studentNumber: true, user: { select: { id: true, email: true, name: true, enrollments: { where: { courseId }, select: { id: true } } } } },
    }),
  ]);
  const targets = [
    ...unclaimed.map((e) => ({ user: e.user, name: e.rosterName ?? e.user.name, studentNumber: e.studentNumber, kind: "set-password" as const })),
    ...pending.filter((p) => p.user.enrollments.length === 0).map((p) => ({ user: p.user, name: p.rosterName, studentNumber: p.studentNumber, kind: "accept" as const })),
  ].sort((a, b) => a.name.localeCompare(b.name) || a.user.email.localeCompare(b.user.email));
  if (options.userIds && targets.length === 0) {
    throw new AppError("BAD_REQUEST", "This student needs no claim link: they have set their password already, or are not on this course's list.");
  }
  const expiresAt = new Date(now.getTime() + CLAIM_LINK_DAYS * 24 * 3600 * 1000);
  const links: ClaimLink[] = [];
  await prisma.$transaction(async (tx) => {
    await tx.claimToken.deleteMany({ where: { courseId, userId: { in: targets.map((t) => t.user.id) }, usedAt: null } });
    for (const target of targets) {
      const token = newOneTimeToken(CLAIM_TOKEN_PREFIX);
      await tx.claimToken.create({ data: { userId: target.user.id, courseId, tokenHash: hashClaimToken(token), expiresAt, createdById: actorId } });
      links.push({ userId: target.user.id, email: target.user.email, name: target.name, studentNumber: target.studentNumber, kind: target.kind, token, path: claimPath(token), expiresAt });
    }
    if (options.mail) {
      const course = await tx.course.findUniqueOrThrow({ where: { id: courseId }, select: { name: true } });
      for (const link of links) {
        const message = claimLinkMessage({ name: link.name, courseName: course.name, url: siteLink(link.path), validDays: CLAIM_LINK_DAYS, kind: link.kind });
        await enqueueMail(tx, { to: link.email, ...message, userId: link.userId });
      }
    }
    await recordAudit(tx, { actorId, courseId, action: "roster.claim-links", targetType: "Course", targetId: courseId, details: { links: links.length, userIds: links.map((l) => l.userId), mailed: Boolean(options.mail) } });
  });
  return links;
}

export type ClaimState =
  | { status: "invalid" | "expired" | "used" }
  | { status: "ok"; kind: "set-password" | "accept"; email: string; name: string; courseName: string; userId: string };

const REFUSALS: Record<"invalid" | "expired" | "used", string> = {
  invalid: "This claim link is not valid. Copy the whole link your instructor gave you, or ask them for a new one.",
  expired: `This claim link has expired (links work for ${CLAIM_LINK_DAYS} days). Ask your instructor for a new one.`,
  used: "This claim link has been used already. Sign in with your email and password, or ask your instructor for a new link.",
};

async function findClaim(prisma: PrismaClient, token: unknown, now: Date) {
  if (!isOneTimeToken(token, CLAIM_TOKEN_PREFIX)) return { status: "invalid" as const };
  const row = await prisma.claimToken.findUnique({
    where: { tokenHash: hashClaimToken(token) },
    include: { user: { select: { id: true, email: true, name: true, passwordHash: true } }, course: { select: { name: true } } },
  });
  if (!row) return { status: "invalid" as const };
  if (row.usedAt) return { status: "used" as const };
  if (row.expiresAt <= now) return { status: "expired" as const };
  return { status: "ok" as const, row };
}

/** What a claim link is for, to show its page. */
export async function inspectClaim(prisma: PrismaClient, token: unknown, now = new Date()): Promise<ClaimState> {
  const found = await findClaim(prisma, token, now);
  if (found.status !== "ok") return found;
  const { row } = found;
  const pending = row.user.passwordHash ? await prisma.pendingEnrollment.findUnique({ where: { userId_courseId: { userId: row.userId, courseId: row.courseId } } }) : null;
  return {
    status: "ok",
    kind: row.user.passwordHash ? "accept" : "set-password",
    email: row.user.email,
    name: pending?.rosterName ?? row.user.name,
    courseName: row.course.name,
    userId: row.userId,
  };
}

function refuse(status: "invalid" | "expired" | "used"): never {
  throw new AppError(status === "invalid" ? "NOT_FOUND" : "BAD_REQUEST", REFUSALS[status]);
}

/** Marks the token used; false when another request used it first (single use under races). */
async function consume(tx: Pick<PrismaClient, "claimToken">, id: string, now: Date): Promise<boolean> {
  const { count } = await tx.claimToken.updateMany({ where: { id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  return count === 1;
}

/**
 * Sets the password (and name) of the imported account a "set-password" link is for. Returns the
 * account's email so the page can sign in with it.
 */
export async function claimAccount(prisma: PrismaClient, token: unknown, input: { name: string; password: string }, now = new Date()): Promise<{ email: string }> {
  const name = nameSchema.safeParse(input?.name);
  if (!name.success) throw new AppError("BAD_REQUEST", name.error.issues[0]?.message ?? "Enter your name.");
  const password = passwordSchema.safeParse(input?.password);
  if (!password.success) throw new AppError("BAD_REQUEST", password.error.issues[0]?.message ?? "Choose a longer password.");
  const found = await findClaim(prisma, token, now);
  if (found.status !== "ok") refuse(found.status);
  if (found.row.user.passwordHash) throw new AppError("BAD_REQUEST", "This account has a password already. Sign in, then open this link again to join the course.");
  const passwordHash = await hashPassword(password.data);
  await prisma.$transaction(async (tx) => {
    if (!(await consume(tx, found.row.id, now))) refuse("used");
    // Only while the account still has no password: a concurrent claim with another link loses.
    const { count } = await tx.user.updateMany({
      where: { id: found.row.userId, passwordHash: null },
      data: { passwordHash, name: name.data, sessionVersion: { increment: 1 } },
    });
    if (count !== 1) throw new AppError("BAD_REQUEST", "This account has a password already. Sign in with it.");
    await recordAudit(tx, { actorId: found.row.userId, courseId: found.row.courseId, action: "roster.claim", targetType: "User", targetId: found.row.userId, details: { claimTokenId: found.row.id } });
  });
  return { email: found.row.user.email };
}

/**
 * Turns the pending enrolment an "accept" link is for into an enrolment, for the signed-in user the
 * link names (the course's name and student number from the class list go on the enrolment).
 */
export async function acceptClaim(prisma: PrismaClient, token: unknown, userId: string, now = new Date()): Promise<{ courseId: string; courseName: string }> {
  const found = await findClaim(prisma, token, now);
  if (found.status !== "ok") refuse(found.status);
  const { row } = found;
  if (!row.user.passwordHash) throw new AppError("BAD_REQUEST", "This link sets up a new account: choose a password on this page.");
  if (row.userId !== userId) throw new AppError("FORBIDDEN", `This claim link is for ${row.user.email}. Sign out, sign in as ${row.user.email}, then open the link again.`);
  await prisma.$transaction(async (tx) => {
    if (!(await consume(tx, row.id, now))) refuse("used");
    const pending = await tx.pendingEnrollment.findUnique({ where: { userId_courseId: { userId, courseId: row.courseId } } });
    const roster = { rosterName: pending?.rosterName ?? null, studentNumber: pending?.studentNumber ?? null };
    await tx.enrollment.upsert({
      where: { userId_courseId: { userId, courseId: row.courseId } },
      create: { userId, courseId: row.courseId, role: "STUDENT", ...roster },
      update: pending ? roster : {},
    });
    if (pending) await tx.pendingEnrollment.delete({ where: { id: pending.id } });
    await recordAudit(tx, { actorId: userId, courseId: row.courseId, action: "roster.accept", targetType: "User", targetId: userId, details: { claimTokenId: row.id, pending: Boolean(pending) } });
  });
  return { courseId: row.courseId, courseName: row.course.name };
}
