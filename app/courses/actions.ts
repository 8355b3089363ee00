"use server";

import { revalidatePath } from "next/cache";
import { joinCourse } from "@/lib/accounts/accounts";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { runAction } from "@/web/action-result";
import { currentUser } from "@/web/session";

export async function joinCourseAction(joinCode: string) {
  return runAction(async () => {
    const user = await currentUser();
    if (!user) throw new AppError("UNAUTHENTICATED", "Your session ended. Sign in again.");
    const course = await joinCourse(db(), user.id, joinCode);
    revalidatePath("/courses");
    return { name: course.name };
  });
}
