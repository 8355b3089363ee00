"use server";

import { changePassword } from "@/lib/accounts/accounts";
import { db } from "@/lib/db";
import { setMailPreferences } from "@/lib/mail/preferences";
import { runAction } from "@/web/action-result";
import { requireActionUser } from "@/web/session";

/**
 * Changes the password. This signs out every session of the account, the current one included:
 * the form signs in again with the new password (returned email) to get a fresh session.
 */
export async function changePasswordAction(input: { currentPassword: string; newPassword: string }) {
  return runAction(async () => {
    const user = await requireActionUser({ allowPasswordChange: true });
    await changePassword(db(), user.id, String(input?.currentPassword ?? ""), String(input?.newPassword ?? ""));
    return { email: user.email };
  }, "Password changed. Your other sessions are signed out.");
}

/** The caller's own mail notices ("scored", "competition closed"): { emailOnScored?, emailOnClosed? } as booleans. */
export async function setMailPreferencesAction(input: { emailOnScored?: boolean; emailOnClosed?: boolean }) {
  return runAction(async () => {
    const user = await requireActionUser();
    return setMailPreferences(db(), user.id, { emailOnScored: input?.emailOnScored, emailOnClosed: input?.emailOnClosed });
  });
}
