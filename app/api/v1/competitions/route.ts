import { db } from "@/lib/db";
import { apiUser } from "@/web/api/auth";
import { competitionJson } from "@/web/api/competitions";
import { apiHandler, apiJson } from "@/web/api/handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/competitions: the competitions of the caller's courses, newest first. */
export const GET = apiHandler(async (request) => {
  const user = await apiUser(request);
  const prisma = db();
  const enrollments = await prisma.enrollment.findMany({ where: { userId: user.id }, select: { courseId: true, role: true } });
  const roles = new Map(enrollments.map((enrollment) => [enrollment.courseId, enrollment.role]));
  const competitions = await prisma.competition.findMany({
    where: { courseId: { in: [...roles.keys()] } },
    include: { course: { select: { id: true, name: true } } },
    orderBy: [{ closesAt: "desc" }, { slug: "asc" }],
  });
  const now = new Date();
  return apiJson({
    competitions: await Promise.all(competitions.map((competition) => competitionJson(prisma, competition, roles.get(competition.courseId)!, user.id, { now }))),
  });
});
