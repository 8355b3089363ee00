"use server";

import { requestPasswordReset } from "@/lib/accounts/password-reset";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";
import { requestClientAddress } from "@/web/client-address";

/** "Forgot password?": mails a reset link when the address has an account; the same answer either way (rate-limited). */
export async function requestPasswordResetAction(email: string) {
  return runAction(async () => {
    await requestPasswordReset(db(), email, { clientAddress: await requestClientAddress() });
    return null;
  });
}
