import { competitionForUser } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { listTeams } from "@/lib/teams/teams";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/competitions/{slug}/teams: every team with its members and invite code (the course's staff). */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  return apiJson({ teams: await listTeams(prisma, user.id, competition.id) });
});
