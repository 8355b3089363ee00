"use server";

import { revalidatePath } from "next/cache";
import { joinCourse } from "@/lib/accounts/accounts";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";
import { requestClientAddress } from "@/web/client-address";
import { requireActionUser } from "@/web/session";

export async function joinCourseAction(joinCode: string) {
  return runAction(async () => {
    const user = await requireActionUser();
    const course = await joinCourse(db(), user.id, String(joinCode ?? ""), { clientAddress: await requestClientAddress() });
    revalidatePath("/courses");
    return { name: course.name };
  });
}
