"use client";

import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { formatInZone } from "@/components/local-time";
import { useIsClient } from "@/components/use-client";
import type { BaselineLine, ScorePoint } from "@/lib/submissions/score-history";
import { formatPercentTick, formatScore } from "@/web/view/format";

const OWN = "#4338ca"; // indigo-700
/** One colour and dash per baseline line (repeats after six). */
const BASELINE_STYLES = [
  { color: "#15803d", dash: "6 3" },
  { color: "#b45309", dash: "2 3" },
  { color: "#be123c", dash: "8 3 2 3" },
  { color: "#0e7490", dash: "4 4" },
  { color: "#6d28d9", dash: "1 3" },
  { color: "#475569", dash: "10 4" },
];

/**
 * The viewer's public score per submission over time, with the competition's baselines as
 * horizontal lines. The baselines are named in the key under the chart (never on the plot, where
 * a name would cover a line); times are the viewer's own zone, so the chart draws in the browser.
 */
export function ScoreHistoryChart({ points, baselines, height = 240 }: { points: ScorePoint[]; baselines: BaselineLine[]; height?: number }) {
  const isClient = useIsClient();
  if (points.length === 0 && baselines.length === 0) return null;
  const data = points.map((point) => ({ t: new Date(point.at).getTime(), score: point.publicScore }));
  const times = data.map((row) => row.t);
  const hour = 3600_000;
  const domain: [number, number] = times.length > 0 ? [Math.min(...times) - hour, Math.max(...times) + hour] : [Date.now() - hour, Date.now()];
  const styled = baselines.map((baseline, index) => ({ ...baseline, ...BASELINE_STYLES[index % BASELINE_STYLES.length] }));
  // Dates alone when the scores span days; with the time when they fall within a few days.
  const tickOptions: Intl.DateTimeFormatOptions = domain[1] - domain[0] > 4 * 24 * hour ? { month: "short", day: "numeric" } : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  const timeTick = (value: number) => new Intl.DateTimeFormat(undefined, tickOptions).format(new Date(value));
  // Scores are accuracies: the axis never goes past 100 % (or below 0).
  const scoreDomain: [(min: number) => number, (max: number) => number] = [(min) => Math.max(0, Math.floor(min * 100 - 0.5) / 100), (max) => Math.min(1, Math.ceil(max * 100 + 0.5) / 100)];
  const best = points.reduce<number | null>((max, point) => (max === null || point.publicScore > max ? point.publicScore : max), null);

  return (
    <figure className="space-y-2" data-testid="score-history">
      <figcaption className="sr-only">Your public score per submission over time, with the baselines as horizontal lines</figcaption>
      {isClient ? (
        <LineChart responsive data={data} style={{ width: "100%", height }} margin={{ top: 10, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="t" type="number" scale="time" domain={domain} tick={{ fontSize: 12, fill: "#334155" }} tickFormatter={timeTick} minTickGap={24} />
          <YAxis tick={{ fontSize: 12, fill: "#334155" }} width={52} tickFormatter={formatPercentTick} domain={scoreDomain} />
          <Tooltip formatter={(value) => (typeof value === "number" ? formatScore(value) : String(value))} labelFormatter={(label) => (typeof label === "number" ? formatInZone(new Date(label), "datetime") : String(label))} />
          {styled.map((baseline) => (
            <ReferenceLine key={baseline.label} y={baseline.publicScore} stroke={baseline.color} strokeWidth={2} strokeDasharray={baseline.dash} ifOverflow="extendDomain" />
          ))}
          {data.length > 0 && <Line type="linear" dataKey="score" name="your public score" stroke={OWN} strokeWidth={2} dot={{ r: 3.5, fill: OWN, stroke: OWN }} activeDot={{ r: 5 }} isAnimationActive={false} />}
        </LineChart>
      ) : (
        <div style={{ height }} className="rounded bg-slate-50" aria-hidden="true" />
      )}
      <ul className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-700" aria-label="Key">
        <li className="flex items-center gap-1.5">
          <svg width="22" height="10" viewBox="0 0 22 10" aria-hidden="true">
            <line x1="0" y1="5" x2="22" y2="5" stroke={OWN} strokeWidth="2" />
            <circle cx="11" cy="5" r="3" fill={OWN} />
          </svg>
          {points.length > 0 ? <>your public score (best {formatScore(best)})</> : "no scored submission of yours yet"}
        </li>
        {styled.map((baseline) => (
          <li key={baseline.label} className="flex items-center gap-1.5" data-testid="baseline-key">
            <svg width="22" height="10" viewBox="0 0 22 10" aria-hidden="true">
              <line x1="0" y1="5" x2="22" y2="5" stroke={baseline.color} strokeWidth="2" strokeDasharray={baseline.dash} />
            </svg>
            baseline {baseline.label}: {formatScore(baseline.publicScore)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
