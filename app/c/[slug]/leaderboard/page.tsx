import type { Metadata } from "next";
import Link from "next/link";
import { LeaderboardTable, type BoardRow } from "@/components/competition/leaderboard-table";
import { LocalTime } from "@/components/local-time";
import { Alert, Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { privateLeaderboard, publicLeaderboard, rowsForViewer } from "@/lib/leaderboard";
import { probingGuardNote } from "@/lib/leaderboard/explain";
import { TIE_EXPLANATION } from "@/lib/leaderboard/uncertainty";
import { isStudentPreview, loadCompetition } from "@/web/view/competition";
import { formatSplit, plural } from "@/web/view/format";

export const metadata: Metadata = { title: "Leaderboard" };

export default async function LeaderboardPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const query = await searchParams;
  const preview = isStudentPreview(query);
  const { competition, isStaff, phase, reveal, user } = await loadCompetition(slug);
  // Students see private results once nobody may upload any more (the close, or after the late period and extensions).
  const revealed = reveal.revealed;
  // Staff (instructors and TAs) see the private board before the close.
  const asInstructor = isStaff && !preview;
  // Once revealed everyone sees the private board; before, instructors may look at it (?board=private).
  const wantsPrivate = revealed ? query.board !== "public" : asInstructor && query.board === "private";
  // Submission ids only where the viewer may open the report (staff: every row).
  const rows: BoardRow[] = rowsForViewer(wantsPrivate ? await privateLeaderboard(db(), competition.id, { asInstructor }) : await publicLeaderboard(db(), competition.id), {
    id: user.id,
    isStaff: asInstructor,
  });
  const board = wantsPrivate ? "private" : "public";
  const ranked = rows.filter((row) => !row.isBaseline).length;
  const base = `/c/${competition.slug}/leaderboard`;

  return (
    <Card>
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold">{board === "private" ? "Private leaderboard" : "Public leaderboard"}</h2>
          <p className="text-sm text-slate-600">
            {board === "private"
              ? revealed
                ? "Final standings on the private part of the test set, from each entrant's final selections (or best public submissions). Arrows show the move from the public board."
                : phase === "closed"
                  ? "Instructor preview: the private standings as they stand now; late uploads and extensions may still change them. Students cannot see this yet."
                  : "Instructor preview: the private standings as they would be if the competition closed now. Students cannot see this."
              : `Best public score per entrant, on the public part of the test set (${formatSplit(competition.publicFraction)}).`}{" "}
            {plural(ranked, "ranked entrant")}.
          </p>
        </div>
        {(revealed || asInstructor) && (
          <nav aria-label="Leaderboards" className="flex gap-1 rounded-md bg-slate-100 p-1 text-sm">
            {(["public", "private"] as const).map((which) => (
              <Link
                key={which}
                href={`${base}?board=${which}`}
                aria-current={board === which ? "page" : undefined}
                className={`rounded px-3 py-1 ${board === which ? "bg-white font-medium text-indigo-800 shadow-sm" : "text-slate-700 hover:text-slate-900"}`}
              >
                {which === "public" ? "Public" : "Private"}
              </Link>
            ))}
          </nav>
        )}
      </div>
      {!revealed && board === "public" && (
        <p className="mb-4 text-sm text-slate-600">
          {reveal.afterClose ? (
            <>
              The private leaderboard is revealed on <LocalTime value={reveal.at.toISOString()} />, after the late period and any extensions end.
            </>
          ) : (
            <>
              The private leaderboard is revealed when the competition closes, <LocalTime value={competition.closesAt.toISOString()} />.
            </>
          )}
        </p>
      )}
      {board === "private" && !revealed && (
        <div className="mb-4">
          <Alert kind="info">
            Preview only: students see the private board from <LocalTime value={reveal.at.toISOString()} />
            {reveal.afterClose ? ", after the late period and any extensions end." : ", the close."}
          </Alert>
        </div>
      )}
      {rows.length === 0 ? (
        <div className="rounded-md border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600">
          No scored submissions yet. {phase === "open" ? "Be the first: " : ""}
          {phase === "open" && (
            <Link href={`/c/${competition.slug}/submit`} className="text-indigo-700 underline">
              submit a model
            </Link>
          )}
        </div>
      ) : (
        asInstructor ? (
          // Staff pick 2-4 entries (baselines included) and compare them side by side.
          <form action={`/c/${competition.slug}/compare`} method="get" data-testid="leaderboard-compare">
            <LeaderboardTable rows={rows} viewerId={user.id} board={board} slug={competition.slug} selectable />
            <button type="submit" className="mt-3 rounded-md border border-indigo-300 bg-white px-3 py-1.5 text-sm font-medium text-indigo-800 hover:bg-indigo-50">
              Compare selected (2-4)
            </button>
          </form>
        ) : (
          <LeaderboardTable rows={rows} viewerId={user.id} board={board} slug={competition.slug} />
        )
      )}
      {rows.some((row) => row.tiedWithAbove) && (
        <p className="mt-4 text-sm text-slate-700" data-testid="tie-explanation">
          {TIE_EXPLANATION}
        </p>
      )}
      {board === "public" && competition.probingGuard && (
        <p className="mt-2 text-sm text-slate-700" data-testid="probing-guard-note">
          {probingGuardNote()}
        </p>
      )}
      {revealed && (
        <p className="mt-2 text-sm">
          <Link href={`/c/${competition.slug}/shake-up`} className="text-indigo-700 underline">
            Shake-up: public rank against private rank, with intervals
          </Link>
        </p>
      )}
      <p className="mt-4 text-xs text-slate-600">Baseline rows (shaded, unranked) are the instructors&apos; reference models. Ties go to the earlier submission.</p>
    </Card>
  );
}
