import { createHash, randomBytes } from "node:crypto";

/**
 * One-time link tokens (claim links, password reset links): a prefix that says what the token is
 * for, then 32 random bytes in base64url (43 characters). Only the sha256 of a token is stored, so
 * a database leak gives no working links and a page cannot show an old link again.
 */
export function newOneTimeToken(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

export function hashOneTimeToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Whether `token` has the shape newOneTimeToken(prefix) makes (checked before any lookup). */
export function isOneTimeToken(token: unknown, prefix: string): token is string {
  return typeof token === "string" && token.length === prefix.length + 43 && token.startsWith(prefix) && /^[A-Za-z0-9_-]{43}$/.test(token.slice(prefix.length));
}
