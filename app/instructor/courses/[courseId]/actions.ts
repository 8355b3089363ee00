"use server";

import { revalidatePath } from "next/cache";
import { createClaimLinks } from "@/lib/accounts/claim";
import { createPasswordReset } from "@/lib/accounts/password-reset";
import { createCompetition } from "@/lib/competitions/manage";
import { addStaff, updateCourse, type CourseUpdate, type StaffInput } from "@/lib/courses/courses";
import { db } from "@/lib/db";
import { requireDatasetAvailable } from "@/lib/demo/available-datasets";
import { AppError } from "@/lib/errors";
import { importRoster, removeStudent } from "@/lib/roster";
import { runAction } from "@/web/action-result";
import { actionUser, runFormAction } from "@/web/view/form-action";
import type { CompetitionInput } from "@/lib/competitions/schema";

/** Creates a competition; the lib checks the instructor and validates every field (errors come back per field). */
export async function createCompetitionAction(courseId: string, input: Record<string, unknown>, _force: boolean) {
  return runFormAction(async () => {
    const user = await actionUser();
    // (The lib checks the instructor first; the dataset check runs after it so outsiders learn nothing.)
    const competition = await createCompetition(db(), user.id, courseId, input as CompetitionInput, { beforeCreate: () => requireDatasetAvailable(input?.datasetId) });
    revalidatePath("/instructor");
    revalidatePath("/courses");
    return { slug: competition.slug };
  });
}

export async function importRosterAction(courseId: string, csvText: string) {
  return runAction(async () => {
    const user = await actionUser();
    if (typeof csvText !== "string" || csvText.trim() === "") throw new AppError("BAD_REQUEST", "Paste the class list or choose a CSV file first (columns: email, name, and optionally student_id).");
    const result = await importRoster(db(), user.id, courseId, csvText);
    revalidatePath(`/instructor/courses/${courseId}/roster`);
    return result;
  });
}

export async function removeStudentAction(courseId: string, userId: string) {
  return runAction(async () => {
    const user = await actionUser();
    await removeStudent(db(), user.id, courseId, userId);
    revalidatePath(`/instructor/courses/${courseId}/roster`);
    return null;
  });
}

/**
 * New one-time claim links (all students who need one, or the listed ones). Returned once: only
 * their hashes are stored. The page shows them and offers them as a CSV; with `mail` (when the
 * site sends mail) each is also mailed to its student.
 */
export async function createClaimLinksAction(courseId: string, userIds?: string[], mail?: boolean) {
  return runAction(async () => {
    const user = await actionUser();
    const only = Array.isArray(userIds) ? userIds.filter((id): id is string => typeof id === "string").slice(0, 10_000) : undefined;
    const links = await createClaimLinks(db(), user.id, courseId, { userIds: only, mail: mail === true });
    return links.map((link) => ({ userId: link.userId, email: link.email, name: link.name, studentNumber: link.studentNumber, kind: link.kind, path: link.path, expiresAt: link.expiresAt.toISOString() }));
  });
}

/** The course's join code (new / on / off), name, term, archive state; instructors of the course only (the lib checks). */
export async function updateCourseAction(courseId: string, update: CourseUpdate) {
  return runAction(async () => {
    const user = await actionUser();
    const course = await updateCourse(db(), user.id, courseId, update);
    revalidatePath(`/instructor/courses/${courseId}`);
    revalidatePath("/instructor");
    return { joinCode: course.joinCode ?? null, joinEnabled: course.joinEnabled, archived: course.archived };
  });
}

/** Adds a co-instructor or TA by email; instructors of the course only (the lib checks). */
export async function addStaffAction(courseId: string, input: StaffInput) {
  return runAction(async () => {
    const user = await actionUser();
    const member = await addStaff(db(), user.id, courseId, input);
    revalidatePath(`/instructor/courses/${courseId}`);
    return member;
  });
}

/**
 * A one-time password reset link for a student of a course the caller teaches (the lib checks):
 * returned to hand out, or, when the site sends mail, mailed to the student and not shown.
 */
export async function resetStudentPasswordAction(userId: string) {
  return runAction(async () => {
    const user = await actionUser();
    const reset = await createPasswordReset(db(), user.id, { userId: typeof userId === "string" ? userId : "" });
    const base = { email: reset.email, expiresAt: reset.expiresAt.toISOString() };
    return reset.delivery === "mail" ? { delivery: "mail" as const, ...base } : { delivery: "link" as const, ...base, path: reset.path };
  });
}
