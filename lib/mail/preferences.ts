import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";

export interface MailPreferences {
  emailOnScored: boolean;
  emailOnClosed: boolean;
}

/** Switches a user's own mail notices ("your submission is scored", "competition closed"); sent only when the site sends mail. */
export async function setMailPreferences(prisma: PrismaClient, userId: string, input: Partial<Record<keyof MailPreferences, unknown>>): Promise<MailPreferences> {
  const data: Partial<MailPreferences> = {};
  for (const key of ["emailOnScored", "emailOnClosed"] as const) {
    const value = input?.[key];
    if (value === undefined) continue;
    if (typeof value !== "boolean") throw new AppError("BAD_REQUEST", `${key} must be true or false.`);
    data[key] = value;
  }
  return prisma.user.update({ where: { id: userId }, data, select: { emailOnScored: true, emailOnClosed: true } });
}
