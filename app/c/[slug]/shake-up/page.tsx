import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { ScoreInterval } from "@/components/competition/score-interval";
import { LocalTime } from "@/components/local-time";
import { Alert, Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { privateLeaderboard } from "@/lib/leaderboard";
import { TIE_EXPLANATION } from "@/lib/leaderboard/uncertainty";
import { loadCompetition } from "@/web/view/competition";
import { formatScore } from "@/web/view/format";

export const metadata: Metadata = { title: "Shake-up" };

/**
 * Public rank against private rank, with each score's 95% interval: why ranks moved at the close.
 * Students see it once the private results are revealed (the close, or after the late period and
 * extensions: privateRevealAt); the course's staff also before (a preview).
 */
export default async function ShakeUpPage({ params }: { params: Promise<{ slug: string }> }) {
  const { competition, isStaff, reveal, user } = await loadCompetition((await params).slug);
  const revealed = reveal.revealed;
  if (!revealed && !isStaff) forbidden();
  const rows = (await privateLeaderboard(db(), competition.id, { asInstructor: isStaff })).filter((row) => !row.isBaseline);
  const moved = rows.filter((row) => row.rankChange !== null && row.rankChange !== 0).length;
  const overlapping = rows.filter((row) => row.interval && row.publicInterval && row.interval.low <= row.publicInterval.high && row.publicInterval.low <= row.interval.high).length;

  return (
    <Card>
      <h2 className="text-lg font-semibold">Shake-up: public rank against private rank</h2>
      <p className="mt-1 text-sm text-slate-700">
        The public board ranked each entrant on the public part of the test set; the final board ranks them on the private part, which nobody saw. Both are samples: the
        ranges under each score are 95% intervals on that part&apos;s number of images. Where neighbours&apos; ranges overlap, their order on either board was largely
        chance, so ranks moving at the close is expected, not unfair. {moved} of {rows.length} entrants moved; for {overlapping} of them the public and private scores&apos;
        ranges overlap.
      </p>
      {!revealed && (
        <div className="mt-3">
          <Alert kind="info">
            Preview for the course&apos;s staff: students see this page from <LocalTime value={reveal.at.toISOString()} />
            {reveal.afterClose ? ", after the late period and any extensions end." : ", the close."}
          </Alert>
        </div>
      )}
      <div className="mt-4 overflow-x-auto">
        <table className="min-w-full text-sm" data-testid="shake-up">
          <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-3">
                Entrant
              </th>
              <th scope="col" className="py-2 pr-3 text-right">
                Public rank
              </th>
              <th scope="col" className="py-2 pr-3 text-right">
                Public score
              </th>
              <th scope="col" className="py-2 pr-3 text-right">
                Private rank
              </th>
              <th scope="col" className="py-2 pr-3 text-right">
                Private score
              </th>
              <th scope="col" className="py-2 pr-3 text-right">
                Move
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => {
              const mine = row.entrant.id === user.id || row.entrant.members.some((m) => m.id === user.id);
              return (
                <tr key={`${row.entrant.type}-${row.entrant.id}`} aria-current={mine ? "true" : undefined} className={mine ? "bg-indigo-50 font-medium" : undefined}>
                  <td className="py-2 pr-3">{row.entrant.name}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">{row.publicRank ?? "–"}</td>
                  <td className="py-2 pr-3 text-right font-mono tabular-nums">
                    {formatScore(row.publicScore)}
                    <ScoreInterval interval={row.publicInterval} />
                  </td>
                  <td className="py-2 pr-3 text-right tabular-nums">
                    {row.rank ?? "–"}
                    {row.tiedWithAbove && <span className="ml-1 text-xs text-slate-600">(tied)</span>}
                  </td>
                  <td className="py-2 pr-3 text-right font-mono tabular-nums">
                    {formatScore(row.score)}
                    <ScoreInterval interval={row.interval} />
                  </td>
                  <td className="py-2 pr-3 text-right tabular-nums">
                    {row.rankChange === null ? "–" : row.rankChange === 0 ? "=" : row.rankChange > 0 ? `▲ ${row.rankChange}` : `▼ ${-row.rankChange}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="mt-4 text-sm text-slate-700">{TIE_EXPLANATION}</p>
      <p className="mt-2 text-sm">
        <Link href={`/c/${competition.slug}/leaderboard`} className="text-indigo-700 underline">
          Back to the leaderboard
        </Link>
      </p>
    </Card>
  );
}
