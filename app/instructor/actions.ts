"use server";

import { revalidatePath } from "next/cache";
import { createCourse } from "@/lib/courses/courses";
import { db } from "@/lib/db";
import { actionUser, runFormAction } from "@/web/view/form-action";

/** Creates a course owned by the signed-in instructor (the lib checks the site role). */
export async function createCourseAction(input: { name: string; term?: string }) {
  return runFormAction(async () => {
    const user = await actionUser();
    const course = await createCourse(db(), user.id, { name: String(input?.name ?? ""), term: typeof input?.term === "string" ? input.term : undefined });
    revalidatePath("/instructor");
    return { id: course.id, joinCode: course.joinCode };
  });
}
