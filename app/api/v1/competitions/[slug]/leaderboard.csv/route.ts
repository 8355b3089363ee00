import { competitionPhase } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { leaderboardCsv } from "@/lib/grading";
import { apiUser } from "@/web/api/auth";
import { apiHandler } from "@/web/api/handler";
import { competitionForInstructor, csvResponse, leaderboardRows, parseBoard } from "@/web/api/leaderboard";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/competitions/{slug}/leaderboard.csv?board=public|private: a board as CSV (instructors
 * and TAs of the course only). Without ?board, the private board once the competition has closed
 * (the final standings), the public one before.
 */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const prisma = db();
  const competition = await competitionForInstructor(prisma, slug, user.id, "download its leaderboard");
  const board = parseBoard(request, competitionPhase(competition) === "closed" ? "private" : "public");
  const rows = await leaderboardRows(prisma, competition, board, true);
  return csvResponse(leaderboardCsv(rows, { private: board === "private" }), `${competition.slug}-${board}-leaderboard.csv`);
});
