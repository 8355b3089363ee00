import { randomBytes, randomInt } from "node:crypto";
import { AppError } from "@/lib/errors";
import { Prisma, type PrismaClient, type User } from "@/lib/db";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password";
import { countFailure, failuresExceeded, resetRateLimit } from "./rate-limit";
import { emailSchema, joinCodeSchema, nameSchema, passwordSchema, signUpSchema, type SignUpInput } from "./schemas";

export type PublicUser = Pick<User, "id" | "email" | "name" | "role">;

function toPublicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

function firstIssue(error: { issues: Array<{ message: string }> }): string {
  return error.issues[0]?.message ?? "Check the form and try again.";
}

export const JOIN_CODE_WINDOW_SECONDS = 3600;
/** Wrong join codes allowed per signed-in user and per client address in an hour. */
export const JOIN_CODE_FAILURES_PER_USER = 10;
export const JOIN_CODE_FAILURES_PER_ADDRESS = 30;

/**
 * The course of a join code. Wrong codes are counted per user and per address (correct ones are
 * not): past the limits, every code is refused for the rest of the hour, so codes cannot be guessed.
 */
async function courseForJoinCode(prisma: PrismaClient, joinCode: string, who: { userId?: string; clientAddress?: string }) {
  const keys = [
    ...(who.userId ? [{ key: `join:user:${who.userId}`, limit: JOIN_CODE_FAILURES_PER_USER }] : []),
    ...(who.clientAddress ? [{ key: `join:ip:${who.clientAddress}`, limit: JOIN_CODE_FAILURES_PER_ADDRESS }] : []),
  ];
  const wait = await failuresExceeded(prisma, keys, JOIN_CODE_WINDOW_SECONDS);
  if (wait !== null) throw new AppError("RATE_LIMITED", `Too many wrong join codes. Wait ${Math.ceil(wait / 60)} minutes, then type the code exactly as your instructor gave it.`);
  const course = await prisma.course.findUnique({ where: { joinCode } });
  if (!course) {
    await countFailure(prisma, keys.map((k) => k.key), JOIN_CODE_WINDOW_SECONDS);
    throw new AppError("NOT_FOUND", "No course has this join code. Check it with your instructor; codes look like DL-7K2Q.");
  }
  if (!course.joinEnabled || course.archivedAt) {
    throw new AppError("FORBIDDEN", "This course is not taking students with its join code right now. Ask your instructor to switch the join code on, or for a claim link.");
  }
  return course;
}

export const ROSTER_EMAIL_MESSAGE =
  "Your instructor has already put this email on a class list. Open the claim link your instructor gave you to set your password (ask them for one if you have none).";

/**
 * Creates a student account and enrolls it in the course of the join code, in one transaction.
 * An email that a class list holds (an imported account without a password) is refused: only the
 * claim link the instructor hands to that student can set its password, so nobody who merely
 * knows the join code and the email can take the account over.
 */
export async function signUp(prisma: PrismaClient, input: SignUpInput, options: { clientAddress?: string } = {}): Promise<PublicUser> {
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", firstIssue(parsed.error));
  const { email, name, password, joinCode } = parsed.data;
  const course = await courseForJoinCode(prisma, joinCode, { clientAddress: options.clientAddress });
  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing && !existing.passwordHash) throw new AppError("CONFLICT", ROSTER_EMAIL_MESSAGE);
  const passwordHash = await hashPassword(password);
  try {
    const user = await prisma.user.create({
      data: { email, name, passwordHash, role: "STUDENT", enrollments: { create: { courseId: course.id, role: "STUDENT" } } },
    });
    return toPublicUser(user);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const now = await prisma.user.findUnique({ where: { email } });
      if (now && !now.passwordHash) throw new AppError("CONFLICT", ROSTER_EMAIL_MESSAGE);
      throw new AppError("CONFLICT", "An account with this email already exists. Sign in, then join the course with its code from your course list.");
    }
    throw error;
  }
}

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

export interface SignInLimits {
  /** Failed attempts per email in the window (then that email is refused, right password or not). */
  perEmail: number;
  /** Failed attempts per client address in the window, across all emails (password spraying). */
  perAddress: number;
}

/**
 * Checks an email and password. Returns null for any failure, with no hint of whether the email
 * exists. Only failed attempts count, per email and per client address: a classroom signing in
 * correctly behind one NAT address is never limited, while guessing one password or spraying
 * many emails from one address is. A success clears its email's count.
 */
export async function authenticate(
  prisma: PrismaClient,
  credentials: { email: string; password: string; clientAddress?: string },
  limits: number | SignInLimits,
): Promise<PublicUser | null> {
  const { perEmail, perAddress } = typeof limits === "number" ? { perEmail: limits, perAddress: limits } : limits;
  const email = emailSchema.safeParse(credentials.email);
  if (!email.success || typeof credentials.password !== "string") return null;
  const keys = [
    { key: `signin:email:${email.data}`, limit: perEmail },
    ...(credentials.clientAddress ? [{ key: `signin:ip:${credentials.clientAddress}`, limit: perAddress }] : []),
  ];
  const wait = await failuresExceeded(prisma, keys, SIGN_IN_WINDOW_SECONDS);
  if (wait !== null) {
    throw new AppError("RATE_LIMITED", `Too many sign-in attempts. Wait ${Math.ceil(wait / 60)} minutes and try again, or ask your instructor to reset your password.`);
  }
  const user = await prisma.user.findUnique({ where: { email: email.data } });
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, credentials.password) : await verifyAgainstDummy(credentials.password);
  if (!user || !ok) {
    await countFailure(prisma, keys.map((k) => k.key), SIGN_IN_WINDOW_SECONDS);
    return null;
  }
  await resetRateLimit(prisma, `signin:email:${email.data}`);
  return toPublicUser(user);
}

export async function changePassword(prisma: PrismaClient, userId: string, currentPassword: string, newPassword: string): Promise<void> {
  const parsed = passwordSchema.safeParse(newPassword);
  if (!parsed.success) throw new AppError("BAD_REQUEST", firstIssue(parsed.error));
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("NOT_FOUND", "Your account no longer exists. Sign up again.");
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new AppError("BAD_REQUEST", "Your current password is not right. Type it again.");
  }
  if (currentPassword === newPassword) throw new AppError("BAD_REQUEST", "Choose a new password different from the current one.");
  // A new session version signs out every session of the account, this one included (the form
  // signs in again with the new password).
  await prisma.user.update({
    where: { id: userId },
    data: { passwordHash: await hashPassword(parsed.data), mustChangePassword: false, sessionVersion: { increment: 1 } },
  });
}

/** A password that is easy to type once: four groups of letters and digits without look-alikes. */
export function generateOneTimePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const group = () => Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join("");
  return [group(), group(), group(), group()].join("-");
}

/**
 * Makes (or resets) an account with a site role that is handed out, not signed up for (instructor,
 * administrator), and returns a one-time password to hand over; the account must choose its own
 * password at its first sign-in. A reset signs out every session of the account.
 */
async function createHandedOutAccount(prisma: PrismaClient, input: { email: string; name: string }, role: "INSTRUCTOR" | "ADMIN"): Promise<{ user: PublicUser; password: string; created: boolean }> {
  const email = emailSchema.safeParse(input.email);
  if (!email.success) throw new AppError("BAD_REQUEST", firstIssue(email.error));
  const name = nameSchema.safeParse(input.name);
  if (!name.success) throw new AppError("BAD_REQUEST", firstIssue(name.error));
  const password = generateOneTimePassword();
  const passwordHash = await hashPassword(password);
  const existing = await prisma.user.findUnique({ where: { email: email.data } });
  const user = await prisma.user.upsert({
    where: { email: email.data },
    create: { email: email.data, name: name.data, role, passwordHash, mustChangePassword: true },
    update: { name: name.data, role, passwordHash, mustChangePassword: true, sessionVersion: { increment: 1 } },
  });
  return { user: toPublicUser(user), password, created: !existing };
}

/** Makes (or resets) an instructor account and returns a one-time password to hand over. */
export async function createInstructor(prisma: PrismaClient, input: { email: string; name: string }): Promise<{ user: PublicUser; password: string; created: boolean }> {
  return createHandedOutAccount(prisma, input, "INSTRUCTOR");
}

/** Makes (or resets) a site administrator account (creates instructor accounts) with a one-time password. */
export async function createAdmin(prisma: PrismaClient, input: { email: string; name: string }): Promise<{ user: PublicUser; password: string; created: boolean }> {
  return createHandedOutAccount(prisma, input, "ADMIN");
}

/** Enrolls an existing user in the course of a join code (wrong codes limited per user and address). */
export async function joinCourse(prisma: PrismaClient, userId: string, joinCode: string, options: { clientAddress?: string } = {}) {
  const code = joinCodeSchema.safeParse(joinCode);
  if (!code.success) throw new AppError("BAD_REQUEST", firstIssue(code.error));
  const course = await courseForJoinCode(prisma, code.data, { userId, clientAddress: options.clientAddress });
  await prisma.enrollment.upsert({
    where: { userId_courseId: { userId, courseId: course.id } },
    create: { userId, courseId: course.id, role: "STUDENT" },
    update: {},
  });
  return course;
}

/** A course join code such as DL-7K2Q: short, unambiguous, random. */
export function generateJoinCode(prefix = "HO"): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const suffix = Array.from(randomBytes(6), (byte) => alphabet[byte % alphabet.length]).join("");
  return `${prefix.toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 6) || "HO"}-${suffix}`;
}
