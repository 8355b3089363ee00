import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { Pill } from "@/components/ui/badge";
import { lateLabel } from "@/lib/submissions/late";
import { formatScore } from "@/web/view/format";
import { ScoreInterval, TiedMark } from "./score-interval";

export interface BoardRow {
  rank: number | null;
  entrant: { id: string; type: "user" | "team" | "baseline"; name: string; members: Array<{ id: string; name: string }> };
  score: number;
  entries: number;
  lastSubmissionAt: Date;
  isBaseline: boolean;
  /** The submission behind the score, where the viewer may open it (lib/leaderboard rowsForViewer). */
  submissionId?: string | null;
  rankChange?: number | null;
  publicScore?: number;
  publicRank?: number | null;
  usedFinalSelections?: boolean;
  /** 95% interval of the score, and whether it is tied with the entry above (lib/leaderboard/uncertainty.ts). */
  interval?: { low: number; high: number } | null;
  tiedWithAbove?: boolean | null;
  publicInterval?: { low: number; high: number } | null;
  /** The late penalty of the submission behind the score; null or absent when on time. */
  latePenalty?: number | null;
}

function RankChange({ change }: { change: number | null | undefined }) {
  if (change === null || change === undefined) return <span className="text-slate-400">–</span>;
  if (change === 0)
    return (
      <span className="text-slate-600">
        <span aria-hidden="true">＝</span>
        <span className="sr-only">no change</span>
      </span>
    );
  const up = change > 0;
  return (
    <span className={`font-medium ${up ? "text-green-800" : "text-red-800"}`}>
      <span aria-hidden="true">{up ? "▲" : "▼"}</span> {Math.abs(change)}
      <span className="sr-only">
        {" "}
        place{Math.abs(change) === 1 ? "" : "s"} {up ? "up" : "down"} from the public board
      </span>
    </span>
  );
}

/**
 * A leaderboard: ranked rows, baselines shaded and unranked, the viewer's own row highlighted. With
 * `slug`, a name whose submission the viewer may open links to its report; with `selectable`
 * (inside the page's compare form), such rows get a checkbox named "ids".
 */
export function LeaderboardTable({ rows, viewerId, board, slug, selectable }: { rows: BoardRow[]; viewerId: string; board: "public" | "private"; slug?: string; selectable?: boolean }) {
  const isPrivate = board === "private";
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm" data-testid={`${board}-leaderboard`}>
        <caption className="sr-only">{isPrivate ? "Private leaderboard (final standings)" : "Public leaderboard"}</caption>
        <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {selectable && (
              <th scope="col" className="py-2 pr-3">
                <span className="sr-only">Compare</span>
              </th>
            )}
            <th scope="col" className="py-2 pr-3 text-right">
              Rank
            </th>
            {isPrivate && (
              <th scope="col" className="py-2 pr-3">
                Change
              </th>
            )}
            <th scope="col" className="py-2 pr-3">
              Entrant
            </th>
            <th scope="col" className="py-2 pr-3 text-right">
              {isPrivate ? "Private score" : "Score"}
            </th>
            {isPrivate && (
              <th scope="col" className="py-2 pr-3 text-right">
                Public score
              </th>
            )}
            <th scope="col" className="py-2 pr-3 text-right">
              Entries
            </th>
            <th scope="col" className="py-2 pr-3">
              Last submission
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => {
            const mine = row.entrant.id === viewerId || row.entrant.members.some((m) => m.id === viewerId);
            return (
              <tr
                key={`${row.entrant.type}-${row.entrant.id}`}
                aria-current={mine ? "true" : undefined}
                data-baseline={row.isBaseline ? "true" : undefined}
                className={mine ? "bg-indigo-50 font-medium outline-2 -outline-offset-2 outline-indigo-400" : row.isBaseline ? "bg-amber-50/70 text-slate-700 italic" : undefined}
              >
                {selectable && (
                  <td className="py-2 pr-3">
                    {row.submissionId && <input type="checkbox" name="ids" value={row.submissionId} aria-label={`Compare ${row.entrant.name}`} className="h-4 w-4" />}
                  </td>
                )}
                <td className="py-2 pr-3 text-right font-mono tabular-nums whitespace-nowrap">
                  {row.rank ?? <span className="text-slate-500">–</span>}
                  <TiedMark tied={row.tiedWithAbove} />
                </td>
                {isPrivate && (
                  <td className="py-2 pr-3 whitespace-nowrap">
                    <RankChange change={row.rankChange} />
                  </td>
                )}
                <td className="py-2 pr-3">
                  {slug && row.submissionId ? (
                    <Link href={`/c/${slug}/submissions/${row.submissionId}`} className="underline decoration-slate-300 hover:text-indigo-800">
                      {row.entrant.name}
                    </Link>
                  ) : (
                    <span>{row.entrant.name}</span>
                  )}
                  {mine && <span className="ml-2 text-xs font-semibold text-indigo-800">(you)</span>}
                  {row.isBaseline && (
                    <span className="ml-2 not-italic">
                      <Pill tone="amber">baseline</Pill>
                    </span>
                  )}
                  {row.latePenalty !== null && row.latePenalty !== undefined && (
                    <span className="ml-2 not-italic" data-testid="late-mark">
                      <Pill tone="amber">{lateLabel(row.latePenalty)}</Pill>
                    </span>
                  )}
                  {row.entrant.type === "team" && row.entrant.members.length > 0 && (
                    <span className="block text-xs font-normal text-slate-600">{row.entrant.members.map((m) => m.name).join(", ")}</span>
                  )}
                </td>
                <td className="py-2 pr-3 text-right font-mono tabular-nums">
                  {formatScore(row.score)}
                  <ScoreInterval interval={row.interval} />
                </td>
                {isPrivate && (
                  <td className="py-2 pr-3 text-right font-mono tabular-nums text-slate-600">
                    {row.publicScore !== undefined ? formatScore(row.publicScore) : "–"}
                    <ScoreInterval interval={row.publicInterval} />
                  </td>
                )}
                <td className="py-2 pr-3 text-right tabular-nums">{row.entries}</td>
                <td className="py-2 pr-3 whitespace-nowrap text-slate-700">
                  <LocalTime value={row.lastSubmissionAt.toISOString()} style="short" />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
