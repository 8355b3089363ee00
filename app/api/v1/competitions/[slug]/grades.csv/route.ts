import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { GRADES_CSV_FORMATS, gradeTable, gradesCsv, gradingRules, maxPoints, type GradesCsvFormat } from "@/lib/grading";
import { apiUser } from "@/web/api/auth";
import { apiHandler } from "@/web/api/handler";
import { competitionForInstructor, csvResponse } from "@/web/api/leaderboard";

export const dynamic = "force-dynamic";

function parseFormat(request: Request): GradesCsvFormat {
  const value = new URL(request.url).searchParams.get("format") ?? "holdout";
  if (!(GRADES_CSV_FORMATS as readonly string[]).includes(value)) {
    throw new AppError("BAD_REQUEST", `Unknown format "${value}". Use ?format=canvas or ?format=moodle, or leave it out for Holdout's own columns.`);
  }
  return value as GradesCsvFormat;
}

/**
 * GET /api/v1/competitions/{slug}/grades.csv?format=holdout|canvas|moodle: one row per student for
 * an LMS import (instructors and TAs of the course only). See lib/grading/csv.ts for the layouts.
 */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const competition = await competitionForInstructor(prisma, slug, user.id, "download its grades");
  const format = parseFormat(request);
  const rows = await gradeTable(prisma, competition.id);
  const csv = gradesCsv(rows, format, { itemName: competition.title, pointsPossible: maxPoints(gradingRules(competition).scheme) });
  return csvResponse(csv, `${competition.slug}-grades${format === "holdout" ? "" : `-${format}`}.csv`);
});
