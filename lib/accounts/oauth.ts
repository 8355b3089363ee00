/**
 * Signing in with GitHub or Google. Holdout has no open sign-up through them: an identity is
 * linked to an account that already exists (made with a join code, a class list or by staff).
 *
 * - An identity linked before signs in as its account, whatever its email says today.
 * - A new identity is linked by email only when the provider says it verified that address;
 *   otherwise anyone who can type a student's (or the instructor's) address into a new GitHub or
 *   Google account would get into theirs.
 */
import type { PrismaClient } from "@/lib/db";

export type OAuthSignIn = { userId: string } | { error: "OAuthNoEmail" | "OAuthUnverifiedEmail" | "OAuthNoAccount" };

export async function resolveOAuthSignIn(
  prisma: PrismaClient,
  identity: { provider: string; providerAccountId: string; email: string | null | undefined; emailVerified: boolean },
): Promise<OAuthSignIn> {
  const linked = await prisma.oAuthAccount.findUnique({
    where: { provider_providerAccountId: { provider: identity.provider, providerAccountId: identity.providerAccountId } },
    select: { userId: true },
  });
  if (linked) return { userId: linked.userId };
  const email = identity.email?.trim().toLowerCase();
  if (!email) return { error: "OAuthNoEmail" };
  if (!identity.emailVerified) return { error: "OAuthUnverifiedEmail" };
  const existing = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  if (!existing) return { error: "OAuthNoAccount" };
  await prisma.oAuthAccount.upsert({
    where: { provider_providerAccountId: { provider: identity.provider, providerAccountId: identity.providerAccountId } },
    create: { provider: identity.provider, providerAccountId: identity.providerAccountId, userId: existing.id },
    update: {},
  });
  return { userId: existing.id };
}

/** GitHub's /user/emails answer: the primary address if GitHub verified it, else any verified one. */
export function githubVerifiedEmail(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const verified = emails.filter((entry): entry is { email: string; primary?: boolean } => typeof entry?.email === "string" && entry.verified === true);
  return (verified.find((entry) => entry.primary) ?? verified[0])?.email ?? null;
}

/** Whether the provider's profile says the email was verified (Google: email_verified; GitHub: see githubVerifiedEmail). */
export function profileEmailVerified(profile: unknown): boolean {
  const value = (profile as { email_verified?: unknown } | undefined)?.email_verified;
  return value === true || value === "true";
}
