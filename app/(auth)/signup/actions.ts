"use server";

import { signUp } from "@/lib/accounts/accounts";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";

export async function signUpAction(input: { email: string; name: string; password: string; joinCode: string }) {
  return runAction(async () => {
    const user = await signUp(db(), input);
    return { email: user.email };
  });
}
