import { competitionForUser } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { competitionJson } from "@/web/api/competitions";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/competitions/{slug}: one competition of the caller's courses (404 for others). */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition, role } = await competitionForUser(prisma, slug, user.id);
  return apiJson({ competition: await competitionJson(prisma, competition, role, user.id, { detail: true }) });
});
