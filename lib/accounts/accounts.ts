import { randomBytes, randomInt } from "node:crypto";
import { AppError } from "../errors";
import { Prisma, type PrismaClient, type User } from "../db";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password";
import { hitRateLimit, resetRateLimit } from "./rate-limit";
import { emailSchema, joinCodeSchema, nameSchema, passwordSchema, signUpSchema, type SignUpInput } from "./schemas";

export type PublicUser = Pick<User, "id" | "email" | "name" | "role">;

function toPublicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

function firstIssue(error: { issues: Array<{ message: string }> }): string {
  return error.issues[0]?.message ?? "Check the form and try again.";
}

/** Creates a student account and enrolls it in the course of the join code, in one transaction. */
export async function signUp(prisma: PrismaClient, input: SignUpInput): Promise<PublicUser> {
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", firstIssue(parsed.error));
  const { email, name, password, joinCode } = parsed.data;
  const course = await prisma.course.findUnique({ where: { joinCode } });
  if (!course) throw new AppError("NOT_FOUND", "No course has this join code. Check it with your instructor; codes look like DL-7K2Q.");
  const passwordHash = await hashPassword(password);
  // A student an instructor imported with the roster has an account without a password:
  // signing up with the course's code claims it.
  const imported = await prisma.user.findUnique({ where: { email } });
  if (imported && !imported.passwordHash) {
    const user = await prisma.user.update({ where: { id: imported.id }, data: { passwordHash, name } });
    await prisma.enrollment.upsert({
      where: { userId_courseId: { userId: user.id, courseId: course.id } },
      create: { userId: user.id, courseId: course.id, role: "STUDENT" },
      update: {},
    });
    return toPublicUser(user);
  }
  try {
    const user = await prisma.user.create({
      data: { email, name, passwordHash, role: "STUDENT", enrollments: { create: { courseId: course.id, role: "STUDENT" } } },
    });
    return toPublicUser(user);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("CONFLICT", "An account with this email already exists. Sign in, then join the course with its code from your course list.");
    }
    throw error;
  }
}

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

/**
 * Checks an email and password. Returns null for any failure, with no hint of whether the email
 * exists. Attempts are limited per email and per client address to slow down password guessing.
 */
export async function authenticate(
  prisma: PrismaClient,
  credentials: { email: string; password: string; clientAddress?: string },
  limit: number,
): Promise<PublicUser | null> {
  const email = emailSchema.safeParse(credentials.email);
  if (!email.success || typeof credentials.password !== "string") return null;
  const keys = [`signin:email:${email.data}`, ...(credentials.clientAddress ? [`signin:ip:${credentials.clientAddress}`] : [])];
  for (const key of keys) {
    const result = await hitRateLimit(prisma, key, limit, SIGN_IN_WINDOW_SECONDS);
    if (!result.allowed) {
      throw new AppError("RATE_LIMITED", `Too many sign-in attempts. Wait ${Math.ceil(result.retryAfterSeconds / 60)} minutes and try again, or ask your instructor to reset your password.`);
    }
  }
  const user = await prisma.user.findUnique({ where: { email: email.data } });
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, credentials.password) : await verifyAgainstDummy(credentials.password);
  if (!user || !ok) return null;
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
  await prisma.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(parsed.data), mustChangePassword: false } });
}

/** A password that is easy to type once: four groups of letters and digits without look-alikes. */
export function generateOneTimePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const group = () => Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join("");
  return [group(), group(), group(), group()].join("-");
}

/** Makes (or resets) an instructor account and returns a one-time password to hand over. */
export async function createInstructor(prisma: PrismaClient, input: { email: string; name: string }): Promise<{ user: PublicUser; password: string; created: boolean }> {
  const email = emailSchema.safeParse(input.email);
  if (!email.success) throw new AppError("BAD_REQUEST", firstIssue(email.error));
  const name = nameSchema.safeParse(input.name);
  if (!name.success) throw new AppError("BAD_REQUEST", firstIssue(name.error));
  const password = generateOneTimePassword();
  const passwordHash = await hashPassword(password);
  const existing = await prisma.user.findUnique({ where: { email: email.data } });
  const user = await prisma.user.upsert({
    where: { email: email.data },
    create: { email: email.data, name: name.data, role: "INSTRUCTOR", passwordHash, mustChangePassword: true },
    update: { name: name.data, role: "INSTRUCTOR", passwordHash, mustChangePassword: true },
  });
  return { user: toPublicUser(user), password, created: !existing };
}

/** Enrolls an existing user in the course of a join code. */
export async function joinCourse(prisma: PrismaClient, userId: string, joinCode: string) {
  const code = joinCodeSchema.safeParse(joinCode);
  if (!code.success) throw new AppError("BAD_REQUEST", firstIssue(code.error));
  const course = await prisma.course.findUnique({ where: { joinCode: code.data } });
  if (!course) throw new AppError("NOT_FOUND", "No course has this join code. Check it with your instructor.");
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
