import { db } from "@/lib/db";
import { gradeTable, gradesCsv } from "@/lib/grading";
import { apiUser } from "@/web/api/auth";
import { apiHandler } from "@/web/api/handler";
import { competitionForInstructor, csvResponse } from "@/web/api/leaderboard";

export const dynamic = "force-dynamic";

/** GET /api/v1/competitions/{slug}/grades.csv: one row per student for an LMS import (instructors of the course only). */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const competition = await competitionForInstructor(prisma, slug, user.id, "download its grades");
  return csvResponse(gradesCsv(await gradeTable(prisma, competition.id)), `${competition.slug}-grades.csv`);
});
