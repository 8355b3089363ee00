"use server";

import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createApiToken, revokeApiToken, tokenRow } from "@/lib/tokens/tokens";
import { runAction } from "@/web/action-result";
import { currentUser } from "@/web/session";

async function signedInUserId(): Promise<string> {
  const user = await currentUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session ended. Sign in again.");
  return user.id;
}

export async function createTokenAction(input: { name: string }) {
  return runAction(async () => {
    const { token, apiToken } = await createApiToken(db(), await signedInUserId(), String(input?.name ?? ""));
    return { token, row: tokenRow(apiToken) };
  }, "Token created. Copy it now: it will not be shown again.");
}

export async function revokeTokenAction(input: { id: string }) {
  return runAction(async () => tokenRow(await revokeApiToken(db(), await signedInUserId(), String(input?.id ?? ""))), "Token revoked. Programs using it now get 401.");
}
