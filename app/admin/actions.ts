"use server";

import { revalidatePath } from "next/cache";
import { createInstructor } from "@/lib/accounts/accounts";
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
