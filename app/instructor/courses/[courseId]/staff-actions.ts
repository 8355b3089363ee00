"use server";

import { revalidatePath } from "next/cache";
import { deleteTestSet } from "@/lib/competitions/test-sets";
import { changeMemberRole, removeStaff } from "@/lib/courses/courses";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";
import { actionUser } from "@/web/view/form-action";

/** A member's course role (co-instructor, TA, student); instructors of the course only, never the last instructor (the lib checks). */
export async function changeMemberRoleAction(courseId: string, userId: string, role: string) {
  return runAction(async () => {
    const user = await actionUser();
    const member = await changeMemberRole(db(), user.id, courseId, typeof userId === "string" ? userId : "", role);
    revalidatePath(`/instructor/courses/${courseId}`);
    return { role: member.role };
  });
}

/** Removes a co-instructor or TA from the course; instructors of the course only, never the last instructor. */
export async function removeStaffAction(courseId: string, userId: string) {
  return runAction(async () => {
    const user = await actionUser();
    await removeStaff(db(), user.id, courseId, typeof userId === "string" ? userId : "");
    revalidatePath(`/instructor/courses/${courseId}`);
    return null;
  });
}

/** Deletes a hidden test set no competition uses; refused with the competitions' names otherwise. */
export async function deleteTestSetAction(testSetId: string) {
  return runAction(async () => {
    const user = await actionUser();
    await deleteTestSet(db(), user.id, typeof testSetId === "string" ? testSetId : "");
    return null;
  });
}
