"use server";

import { changePassword } from "@/lib/accounts/accounts";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { runAction } from "@/web/action-result";
import { currentUser } from "@/web/session";

export async function changePasswordAction(input: { currentPassword: string; newPassword: string }) {
  return runAction(async () => {
    const user = await currentUser();
    if (!user) throw new AppError("UNAUTHENTICATED", "Your session ended. Sign in again.");
    await changePassword(db(), user.id, input.currentPassword, input.newPassword);
  }, "Password changed.");
}
