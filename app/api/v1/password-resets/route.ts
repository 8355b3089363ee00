import { createPasswordReset } from "@/lib/accounts/password-reset";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson, publicBaseUrl } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/password-resets {email} (or {userId}): a one-time password reset link for a
 * student of a course the caller teaches, or for any account when the caller is a site
 * administrator (lib/accounts/password-reset.ts decides). 201 with the link to hand out, or, when
 * the site sends mail, with where it was mailed (the link is then not returned).
 */
export const POST = apiHandler(async (request) => {
  const user = await apiUser(request);
  const body = await readJsonObject(request, 4096);
  const who = { email: typeof body.email === "string" ? body.email : undefined, userId: typeof body.userId === "string" ? body.userId : undefined };
  const reset = await createPasswordReset(db(), user.id, who);
  const base = { userId: reset.userId, email: reset.email, delivery: reset.delivery, expiresAt: reset.expiresAt.toISOString() };
  return apiJson({ reset: reset.delivery === "link" ? { ...base, url: `${publicBaseUrl(request)}${reset.path}` } : base }, { status: 201 });
});
