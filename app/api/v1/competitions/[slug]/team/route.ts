import { competitionForUser } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { createTeam, leaveTeam, teamOf, teamWindow } from "@/lib/teams/teams";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

function windowJson(competition: Parameters<typeof teamWindow>[0]) {
  const window = teamWindow(competition);
  return { enabled: window.enabled, sizeLimit: window.sizeLimit, deadline: window.deadline, open: window.open };
}

/** GET /api/v1/competitions/{slug}/team: the caller's team (null when on their own) and the competition's team rules. */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  return apiJson({ team: await teamOf(prisma, competition.id, user.id), teams: windowJson(competition) });
});

/** POST /api/v1/competitions/{slug}/team { "name": "..." }: start a team (students, before the team deadline). */
export const POST = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  const body = await readJsonObject(request);
  return apiJson({ team: await createTeam(prisma, user.id, competition.id, body.name) }, { status: 201 });
});

/** DELETE /api/v1/competitions/{slug}/team: leave the caller's team (before the team deadline). */
export const DELETE = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  const result = await leaveTeam(prisma, user.id, competition.id);
  return apiJson({ left: true, teamDeleted: result.deleted });
});
