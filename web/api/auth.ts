import { getServerSession } from "next-auth";
import { hitRateLimit } from "@/lib/accounts/rate-limit";
import { db } from "@/lib/db";
import type { Role } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { authenticateToken } from "@/lib/tokens/tokens";
import { authOptions } from "@/web/auth-options";
import { MUST_CHANGE_PASSWORD_MESSAGE, userOfSession } from "@/web/session";

export interface ApiUser {
  id: string;
  email: string;
  name: string;
  /** Site role (ADMIN, INSTRUCTOR, STUDENT); course roles are in Enrollment (lib/courses/permissions.ts). */
  role: Role;
  /** How the request proved who it is. */
  via: "token" | "session";
  tokenId: string | null;
}

const HOW_TO_AUTHENTICATE = "Send your API token as `Authorization: Bearer hdt_...` (create one on your account page, /account), or sign in to the site.";

/** One fixed one-minute window per token (per user for the site's own, cookie-signed requests). */
export function rateLimitKey(user: Pick<ApiUser, "id" | "via" | "tokenId">): string {
  return user.via === "token" ? `api:token:${user.tokenId}` : `api:session:${user.id}`;
}

/**
 * The caller of an API route: an API token (`Authorization: Bearer ...`) or the site's session
 * cookie, so the site's own upload form can post to the same routes. Throws 401 without either,
 * and 429 (with retryAfterSeconds) past HOLDOUT_API_RATE_LIMIT requests a minute.
 */
export async function apiUser(request: Request): Promise<ApiUser> {
  const prisma = db();
  const authorization = request.headers.get("authorization");
  let user: ApiUser | null = null;
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new AppError("UNAUTHENTICATED", `The Authorization header is not a bearer token. ${HOW_TO_AUTHENTICATE}`);
    const found = await authenticateToken(prisma, match[1]);
    if (!found) {
      throw new AppError("UNAUTHENTICATED", "This API token is unknown or was revoked. Create a new one on your account page (/account) and use it instead.");
    }
    const owner = await prisma.user.findUnique({ where: { id: found.id }, select: { mustChangePassword: true } });
    if (owner?.mustChangePassword) throw new AppError("FORBIDDEN", MUST_CHANGE_PASSWORD_MESSAGE);
    user = { id: found.id, email: found.email, name: found.name, role: found.role, via: "token", tokenId: found.tokenId };
  } else {
    // userOfSession refuses a cookie signed before the last password change or reset.
    const row = await userOfSession(await getServerSession(authOptions));
    if (!row) throw new AppError("UNAUTHENTICATED", `You are not signed in. ${HOW_TO_AUTHENTICATE}`);
    if (row.mustChangePassword) throw new AppError("FORBIDDEN", MUST_CHANGE_PASSWORD_MESSAGE);
    // Cookies ride along on cross-site requests too; only the site itself may use them to write.
    if (request.method !== "GET" && request.method !== "HEAD" && !sameOrigin(request)) {
      throw new AppError("FORBIDDEN", "Cross-site requests cannot use your sign-in cookie. Use an API token (`Authorization: Bearer hdt_...`) instead.");
    }
    user = { id: row.id, email: row.email, name: row.name, role: row.role, via: "session", tokenId: null };
  }
  const limit = env().HOLDOUT_API_RATE_LIMIT;
  const hit = await hitRateLimit(prisma, rateLimitKey(user), limit, 60);
  if (!hit.allowed) {
    throw new AppError("RATE_LIMITED", `Too many API requests: the limit is ${limit} a minute. Wait ${hit.retryAfterSeconds} s (Retry-After) and poll less often, e.g. every 5 seconds.`, {
      retryAfterSeconds: hit.retryAfterSeconds,
    });
  }
  return user;
}

function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) {
    // No Origin: not a browser's cross-site request (browsers send it on every cross-site POST).
    const fetchSite = request.headers.get("sec-fetch-site");
    return !fetchSite || fetchSite === "same-origin" || fetchSite === "none";
  }
  // The site's configured address counts too: behind a proxy that rewrites Host, it is the
  // only name the browser's Origin can match.
  const hosts = [request.headers.get("x-forwarded-host"), request.headers.get("host")];
  const configured = env().NEXTAUTH_URL;
  if (configured) hosts.push(new URL(configured).host);
  try {
    return hosts.includes(new URL(origin).host);
  } catch {
    return false;
  }
}
