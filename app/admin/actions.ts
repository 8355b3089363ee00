"use server";

import { revalidatePath } from "next/cache";
import { createInstructor } from "@/lib/accounts/accounts";
import { createPasswordReset } from "@/lib/accounts/password-reset";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";
import { requireActionAdmin } from "@/web/session";

/** Site administrators only: makes (or resets) an instructor account; the one-time password is shown once. */
export async function createInstructorAction(input: { email: string; name: string }) {
  return runAction(async () => {
    const admin = await requireActionAdmin();
    const { user, password, created } = await createInstructor(db(), { email: String(input?.email ?? ""), name: String(input?.name ?? "") });
    await recordAudit(db(), { actorId: admin.id, courseId: null, action: created ? "account.create_instructor" : "account.reset_instructor", targetType: "User", targetId: user.id, details: { email: user.email } });
    revalidatePath("/admin");
    return { email: user.email, name: user.name, password, created };
  });
}

/** Site administrators only: a one-time password reset link for any account (returned, or mailed when the site sends mail). */
export async function adminResetPasswordAction(input: { email: string }) {
  return runAction(async () => {
    const admin = await requireActionAdmin();
    const reset = await createPasswordReset(db(), admin.id, { email: String(input?.email ?? "") });
    const base = { email: reset.email, expiresAt: reset.expiresAt.toISOString() };
    return reset.delivery === "mail" ? { delivery: "mail" as const, ...base } : { delivery: "link" as const, ...base, path: reset.path };
  });
}
