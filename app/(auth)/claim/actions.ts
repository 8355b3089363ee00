"use server";

import { revalidatePath } from "next/cache";
import { acceptClaim, claimAccount } from "@/lib/accounts/claim";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";
import { requireActionUser } from "@/web/session";

/** Sets the password of the imported account the link is for; the form then signs in with it. */
export async function claimAccountAction(token: string, input: { name: string; password: string }) {
  return runAction(() => claimAccount(db(), token, { name: String(input?.name ?? ""), password: String(input?.password ?? "") }));
}

/** Accepts the pending enrolment the link is for, as the signed-in account the link names. */
export async function acceptClaimAction(token: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    const course = await acceptClaim(db(), token, user.id);
    revalidatePath("/courses");
    return { courseName: course.courseName };
  });
}
