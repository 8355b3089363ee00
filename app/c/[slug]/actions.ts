"use server";

import { revalidatePath } from "next/cache";
import { competitionForUser } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { selectFinalSubmissions } from "@/lib/leaderboard";
import { createTeam, joinTeam, leaveTeam } from "@/lib/teams/teams";
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

/** Starts a team with the viewer as its first member; the lib checks the competition allows teams, the deadline and one team per person. */
export async function createTeamAction(slug: string, name: string) {
  return runAction(async () => {
    const user = await actionUser();
    const { competition } = await competitionForUser(db(), slug, user.id);
    const team = await createTeam(db(), user.id, competition.id, name);
    revalidatePath(`/c/${competition.slug}`, "layout");
    return { name: team.name };
  }, "Team created. Share its invite code with your teammates.");
}

/** Joins the team with this invite code (size limit and deadline checked in the lib, under a lock). */
export async function joinTeamAction(slug: string, code: string) {
  return runAction(async () => {
    const user = await actionUser();
    const { competition } = await competitionForUser(db(), slug, user.id);
    const team = await joinTeam(db(), user.id, competition.id, code);
    revalidatePath(`/c/${competition.slug}`, "layout");
    return { name: team.name };
  });
}

/** Leaves the viewer's team before the team deadline. */
export async function leaveTeamAction(slug: string) {
  return runAction(async () => {
    const user = await actionUser();
    const { competition } = await competitionForUser(db(), slug, user.id);
    await leaveTeam(db(), user.id, competition.id);
    revalidatePath(`/c/${competition.slug}`, "layout");
    return null;
  }, "You left the team.");
}
