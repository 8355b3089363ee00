import { competitionForUser } from "@/lib/competitions/access";
import { listExtensions, setExtension } from "@/lib/competitions/extensions";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { readJsonObject } from "@/web/api/body";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/competitions/{slug}/extensions: the competition's extensions (the course's staff). */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  return apiJson({ extensions: await listExtensions(prisma, user.id, competition.id) });
});

/** PUT /api/v1/competitions/{slug}/extensions { email | userId | teamId, closesAt, reason }: grant or replace one (instructors). */
export const PUT = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  const body = await readJsonObject(request);
  return apiJson({ extension: await setExtension(prisma, user.id, competition.id, body) });
});
