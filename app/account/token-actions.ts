"use server";

import { db } from "@/lib/db";
import { createApiToken, revokeApiToken, tokenRow } from "@/lib/tokens/tokens";
import { runAction } from "@/web/action-result";
import { requireActionUser } from "@/web/session";

async function signedInUserId(): Promise<string> {
  return (await requireActionUser()).id;
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
