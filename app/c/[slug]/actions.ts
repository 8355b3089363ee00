"use server";

import { revalidatePath } from "next/cache";
import { competitionForUser } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { selectFinalSubmissions } from "@/lib/leaderboard";
import { runAction } from "@/web/action-result";
import { actionUser } from "@/web/view/form-action";

/** Saves the viewer's final selection; the lib decides what is allowed (own, scored, how many, before the close). */
export async function selectFinalAction(slug: string, ids: string[]) {
  return runAction(async () => {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) throw new AppError("BAD_REQUEST", "Choose submissions from your list.");
    const user = await actionUser();
    const { competition } = await competitionForUser(db(), slug, user.id);
    await selectFinalSubmissions(db(), user.id, competition.id, ids);
    revalidatePath(`/c/${competition.slug}`);
    return { selected: ids.length };
  });
}
