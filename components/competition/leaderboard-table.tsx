import { LocalTime } from "@/components/local-time";
import { Pill } from "@/components/ui/badge";
import { formatScore } from "@/web/view/format";

export interface BoardRow {
  rank: number | null;
  entrant: { id: string; type: "user" | "team"; name: string; members: Array<{ id: string; name: string }> };
  score: number;
  entries: number;
  lastSubmissionAt: Date;
  isBaseline: boolean;
  rankChange?: number | null;
  publicScore?: number;
  publicRank?: number | null;
  usedFinalSelections?: boolean;
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

/** A leaderboard: ranked rows, baselines shaded and unranked, the viewer's own row highlighted. */
export function LeaderboardTable({ rows, viewerId, board }: { rows: BoardRow[]; viewerId: string; board: "public" | "private" }) {
  const isPrivate = board === "private";
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm" data-testid={`${board}-leaderboard`}>
        <caption className="sr-only">{isPrivate ? "Private leaderboard (final standings)" : "Public leaderboard"}</caption>
        <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
          <tr>
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
                <td className="py-2 pr-3 text-right font-mono tabular-nums">{row.rank ?? <span className="text-slate-500">–</span>}</td>
                {isPrivate && (
                  <td className="py-2 pr-3 whitespace-nowrap">
                    <RankChange change={row.rankChange} />
                  </td>
                )}
                <td className="py-2 pr-3">
                  <span>{row.entrant.name}</span>
                  {mine && <span className="ml-2 text-xs font-semibold text-indigo-800">(you)</span>}
                  {row.isBaseline && (
                    <span className="ml-2 not-italic">
                      <Pill tone="amber">baseline</Pill>
                    </span>
                  )}
                  {row.entrant.type === "team" && row.entrant.members.length > 0 && (
                    <span className="block text-xs font-normal text-slate-600">{row.entrant.members.map((m) => m.name).join(", ")}</span>
                  )}
                </td>
                <td className="py-2 pr-3 text-right font-mono tabular-nums">{formatScore(row.score, 3)}</td>
                {isPrivate && <td className="py-2 pr-3 text-right font-mono tabular-nums text-slate-600">{row.publicScore !== undefined ? formatScore(row.publicScore, 3) : "–"}</td>}
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
