import { competitionForUser, competitionPhase, privateRevealFor } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { rowsForViewer } from "@/lib/leaderboard";
import { apiUser } from "@/web/api/auth";
import { apiHandler, apiJson } from "@/web/api/handler";
import { leaderboardRows, parseBoard } from "@/web/api/leaderboard";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/competitions/{slug}/leaderboard?board=public|private: the board's rows, best first.
 * The private board is 403 for students until it is revealed (privateRevealAt: the close, or the end
 * of the late period and extensions); instructors see a preview.
 */
export const GET = apiHandler<{ slug: string }>(async (request, { slug }) => {
  const user = await apiUser(request);
  const board = parseBoard(request);
  const prisma = db();
  const { competition, isStaff } = await competitionForUser(prisma, slug, user.id);
  const rows = rowsForViewer(await leaderboardRows(prisma, competition, board, isStaff), { id: user.id, isStaff });
  return apiJson({
    competition: { slug: competition.slug, title: competition.title, phase: competitionPhase(competition), closesAt: competition.closesAt, privateRevealAt: (await privateRevealFor(prisma, competition)).at },
    board,
    rows,
  });
});
