import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { PrismaClient, Role } from "@/lib/db";

/**
 * Personal API tokens, for notebooks and the `holdout submit` command. The token is shown once;
 * only its sha256 is stored (a database leak gives no working tokens) plus a short prefix so a
 * user can tell their tokens apart.
 */
export const TOKEN_PREFIX = "hdt_";
/** hdt_ + 32 random bytes in base64url (43 characters). */
export const TOKEN_PATTERN = /^hdt_[A-Za-z0-9_-]{43}$/;
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
/** lastUsedAt is written at most this often per token, so polling clients do not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;
export const MAX_TOKENS_PER_USER = 20;

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, "Give the token a name, e.g. the notebook or machine it is for.")
  .max(100, "Keep the token name under 100 characters.");

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What a page shows of a token: dates as ISO strings, never the secret or its hash. */
export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function tokenRow(token: ApiTokenInfo): TokenRow {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}

const INFO_SELECT = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/** Creates a token; the returned `token` is the only time the secret exists outside the caller. */
export async function createApiToken(prisma: PrismaClient, userId: string, name: string): Promise<{ token: string; apiToken: ApiTokenInfo }> {
  const parsedName = tokenNameSchema.safeParse(name);
  if (!parsedName.success) throw new AppError("BAD_REQUEST", parsedName.error.issues[0].message);
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) throw new AppError("NOT_FOUND", "No such user. Check the email address, or create the account first.");
  const active = await prisma.apiToken.count({ where: { userId, revokedAt: null } });
  if (active >= MAX_TOKENS_PER_USER) {
    throw new AppError("CONFLICT", `You already have ${active} active tokens. Revoke the ones you no longer use on your account page, then create a new one.`);
  }
  const token = generateToken();
  const apiToken = await prisma.apiToken.create({
    data: { userId, name: parsedName.data, tokenHash: hashToken(token), prefix: token.slice(0, SHOWN_PREFIX_LENGTH) },
    select: INFO_SELECT,
  });
  return { token, apiToken };
}

/** A user's tokens, newest first, revoked ones included (so they can see what was revoked when). */
export async function listApiTokens(prisma: PrismaClient, userId: string): Promise<ApiTokenInfo[]> {
  return prisma.apiToken.findMany({ where: { userId }, select: INFO_SELECT, orderBy: { createdAt: "desc" } });
}

/**
 * Revokes one of the user's own tokens. Someone else's token gets the same 404 as one that does
 * not exist. Revoking a revoked token changes nothing.
 */
export async function revokeApiToken(prisma: PrismaClient, userId: string, tokenId: string): Promise<ApiTokenInfo> {
  const existing = await prisma.apiToken.findFirst({ where: { id: tokenId, userId }, select: INFO_SELECT });
  if (!existing) throw new AppError("NOT_FOUND", "No such token among yours. Reload your account page to see your current tokens.");
  if (existing.revokedAt) return existing;
  return prisma.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() }, select: INFO_SELECT });
}

export interface TokenUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The token that authenticated the request (rate limits are per token). */
  tokenId: string;
}

/** The user a token belongs to, or null for an unknown, malformed or revoked token. */
export async function authenticateToken(prisma: PrismaClient, token: string, now = new Date()): Promise<TokenUser | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
  });
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so concurrent requests write it once.
    await prisma.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  return { ...row.user, tokenId: row.id };
}
