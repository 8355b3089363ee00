import { competitionForUser } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { joinTeam } from "@/lib/teams/teams";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** POST /api/v1/competitions/{slug}/team/join { "code": "T-..." }: join the team with this invite code. */
export const POST = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  const body = await readJsonObject(request);
  return apiJson({ team: await joinTeam(prisma, user.id, competition.id, body.code) });
});
