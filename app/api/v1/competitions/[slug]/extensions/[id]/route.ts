import { competitionForUser } from "@/lib/competitions/access";
import { removeExtension } from "@/lib/competitions/extensions";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** DELETE /api/v1/competitions/{slug}/extensions/{id}: withdraw an extension (instructors). */
export const DELETE = apiHandler<{ slug: string; id: string }>(async (request, { slug, id }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  await removeExtension(prisma, user.id, competition.id, id);
  return apiJson({ removed: true });
});
