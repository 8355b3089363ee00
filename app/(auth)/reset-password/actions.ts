"use server";

import { completePasswordReset } from "@/lib/accounts/password-reset";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";

/** Sets the new password with a one-time reset link (the token is the credential); the form then signs in with it. */
export async function completePasswordResetAction(token: string, password: string) {
  return runAction(() => completePasswordReset(db(), token, password));
}
