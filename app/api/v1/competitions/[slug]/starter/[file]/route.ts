import { starterFile } from "@/lib/baselines";
import { competitionForUser } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { apiHandler } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/competitions/{slug}/starter/{file}: a reference baseline as a starter file, e.g.
 * cnn.py (a Keras script that trains it and saves model.keras) or cnn.json (its Keras JSON).
 * Members of the course.
 */
export const GET = apiHandler<{ slug: string; file: string }>(async (request, { slug, file }) => {
  const user = await apiUser(request);
  const prisma = db();
  const { competition } = await competitionForUser(prisma, slug, user.id);
  const testSet = competition.testSetId ? await prisma.testSet.findUnique({ where: { id: competition.testSetId }, select: { shape: true, classNames: true } }) : null;
  const starter = starterFile({ ...competition, testSet }, file);
  return new Response(starter.body, {
    headers: { "Content-Type": starter.contentType, "Content-Disposition": `attachment; filename="${starter.fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`, "Cache-Control": "no-store" },
  });
});
