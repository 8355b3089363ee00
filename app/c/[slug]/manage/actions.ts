"use server";

import { revalidatePath } from "next/cache";
import { addBaseline } from "@/lib/baselines/add";
import { closeCompetitionNow } from "@/lib/competitions/close";
import { removeExtension, setExtension } from "@/lib/competitions/extensions";
import { updateCompetition } from "@/lib/competitions/manage";
import { disqualifySubmission, reinstateSubmission } from "@/lib/competitions/moderation";
import { rescoreCompetition } from "@/lib/competitions/rescore";
import type { CompetitionInput } from "@/lib/competitions/schema";
import { db } from "@/lib/db";
import { runAction } from "@/web/action-result";
import { actionUser, runFormAction } from "@/web/view/form-action";

/** Every check (instructor of the course, each field, score-affecting changes) is in the lib functions. */
export async function updateCompetitionAction(competitionId: string, input: Record<string, unknown>, force: boolean) {
  return runFormAction(async () => {
    const user = await actionUser();
    const result = await updateCompetition(db(), user.id, competitionId, input as Partial<CompetitionInput>, { force: force === true });
    revalidatePath(`/c/${result.competition.slug}`, "layout");
    return { slug: result.competition.slug, needsRescore: result.needsRescore, changed: result.changedFields };
  });
}

export async function rescoreAction(competitionId: string) {
  return runAction(async () => {
    const user = await actionUser();
    const result = await rescoreCompetition(db(), user.id, competitionId);
    revalidatePath("/c", "layout");
    return result;
  });
}

export async function disqualifyAction(submissionId: string, reason: string) {
  return runAction(async () => {
    const user = await actionUser();
    await disqualifySubmission(db(), user.id, submissionId, reason);
    revalidatePath("/c", "layout");
    return null;
  }, "Disqualified. The student sees the reason on the submission.");
}

export async function reinstateAction(submissionId: string) {
  return runAction(async () => {
    const user = await actionUser();
    await reinstateSubmission(db(), user.id, submissionId);
    revalidatePath("/c", "layout");
    return null;
  }, "Reinstated.");
}

/** "Close now" (after the page's confirmation); the lib checks the instructor and that it is still open. */
export async function closeNowAction(competitionId: string) {
  return runAction(async () => {
    const user = await actionUser();
    const competition = await closeCompetitionNow(db(), user.id, competitionId);
    revalidatePath(`/c/${competition.slug}`, "layout");
    return { closesAt: competition.closesAt.toISOString() };
  });
}

/** "Add baseline" on the settings page: the lib checks the instructor, the baseline and the budget. */
export async function addBaselineAction(competitionId: string, baselineId: string) {
  return runAction(async () => {
    const user = await actionUser();
    const submission = await addBaseline(db(), user.id, competitionId, baselineId);
    revalidatePath("/c", "layout");
    return { id: submission.id };
  });
}

/** Grants or replaces an extension for one student (userId or email) or one team; the lib checks the instructor and the input. */
export async function setExtensionAction(competitionId: string, input: { email?: string; userId?: string; teamId?: string; closesAt?: string; reason?: string }) {
  return runAction(async () => {
    const user = await actionUser();
    const extension = await setExtension(db(), user.id, competitionId, input ?? {});
    revalidatePath("/c", "layout");
    return { id: extension.id };
  }, "Extension saved.");
}

export async function removeExtensionAction(competitionId: string, extensionId: string) {
  return runAction(async () => {
    const user = await actionUser();
    await removeExtension(db(), user.id, competitionId, extensionId);
    revalidatePath("/c", "layout");
    return null;
  }, "Extension withdrawn.");
}
