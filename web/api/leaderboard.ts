import { competitionForUser } from "@/lib/competitions/access";
import type { Competition, PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { privateLeaderboard, publicLeaderboard } from "@/lib/leaderboard";
import { requireCourseStaff } from "@/lib/competitions/permissions";

export type Board = "public" | "private";

/** ?board=public|private; without it, `fallback` (public, unless the caller says otherwise). */
export function parseBoard(request: Request, fallback: Board = "public"): Board {
  const value = new URL(request.url).searchParams.get("board") ?? fallback;
  if (value !== "public" && value !== "private") throw new AppError("BAD_REQUEST", `Unknown board "${value}". Use ?board=public or ?board=private.`);
  return value;
}

/** One board's rows; the private one is refused (403) to students until it is revealed (lib/submissions/late.ts privateRevealAt). */
export function leaderboardRows(prisma: PrismaClient, competition: Pick<Competition, "id">, board: Board, isInstructor: boolean) {
  return board === "public" ? publicLeaderboard(prisma, competition.id) : privateLeaderboard(prisma, competition.id, { asInstructor: isInstructor });
}

/**
 * For the staff-only CSV exports (instructors and TAs): the competition by slug, a 404 for anyone
 * outside its course (as for a competition that does not exist, so other courses' slugs do not
 * leak), and a 403 for its students.
 */
export async function competitionForInstructor(prisma: PrismaClient, slug: string, userId: string, doing: string): Promise<Competition> {
  const { competition } = await competitionForUser(prisma, slug, userId);
  await requireCourseStaff(prisma, userId, competition.courseId, doing);
  return competition;
}

export function csvResponse(csv: string, fileName: string): Response {
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}
