import type { PrismaClient } from "@/lib/db";

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

/**
 * A fixed-window counter in PostgreSQL, so every web process shares it. One atomic statement:
 * a new window resets the count, otherwise it increments.
 */
export async function hitRateLimit(prisma: PrismaClient, key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
  const rows = await prisma.$queryRaw<Array<{ count: number; windowStart: Date }>>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${key}, now(), 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" < now() - make_interval(secs => ${windowSeconds}) THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" < now() - make_interval(secs => ${windowSeconds}) THEN now() ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  const { count, windowStart } = rows[0];
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - Date.now()) / 1000));
  return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfterSeconds };
}

export async function resetRateLimit(prisma: PrismaClient, key: string): Promise<void> {
  await prisma.rateLimit.deleteMany({ where: { key } });
}

/** How many hits the key has in its current window (0 when the window is over), without adding one. */
export async function peekRateLimit(prisma: PrismaClient, key: string, windowSeconds: number): Promise<{ count: number; retryAfterSeconds: number }> {
  const row = await prisma.rateLimit.findUnique({ where: { key } });
  if (!row) return { count: 0, retryAfterSeconds: 0 };
  const endsAt = row.windowStart.getTime() + windowSeconds * 1000;
  if (endsAt <= Date.now()) return { count: 0, retryAfterSeconds: 0 };
  return { count: row.count, retryAfterSeconds: Math.max(1, Math.ceil((endsAt - Date.now()) / 1000)) };
}

/**
 * A limit on failures only: `check` refuses once `limit` failures are in the window, `fail` counts
 * one. Successes never count, so many people behind one address who get in are never limited.
 * (Concurrent attempts may pass `check` together before their failures are counted: the overshoot
 * is bounded by how many run at once, which the password hash's cost keeps small.)
 */
export async function failuresExceeded(prisma: PrismaClient, keys: Array<{ key: string; limit: number }>, windowSeconds: number): Promise<number | null> {
  for (const { key, limit } of keys) {
    const { count, retryAfterSeconds } = await peekRateLimit(prisma, key, windowSeconds);
    if (count >= limit) return retryAfterSeconds;
  }
  return null;
}

export async function countFailure(prisma: PrismaClient, keys: string[], windowSeconds: number): Promise<void> {
  for (const key of keys) await hitRateLimit(prisma, key, Number.MAX_SAFE_INTEGER, windowSeconds);
}
