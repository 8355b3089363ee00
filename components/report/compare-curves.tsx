"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { EpochRecord } from "@/lib/evaluation/schemas";

/** One colour per compared run (indigo, orange, teal, fuchsia: distinct for common colour blindness too). */
export const RUN_COLORS = ["#4338ca", "#c2410c", "#0f766e", "#a21caf"];

export interface CompareCurveRun {
  /** "A", "B", ... as in the page's table. */
  letter: string;
  name: string;
  epochs: EpochRecord[];
  bestEpoch: number | null;
  overfitStartEpoch: number | null;
}

const finite = (value: number | null | undefined) => (value !== null && value !== undefined && Number.isFinite(value) ? value : null);

type Row = Record<string, number | null> & { epoch: number };

function rowsOf(runs: CompareCurveRun[], pick: (record: EpochRecord) => { train: number | null; validation: number | null }): Row[] {
  const epochs = [...new Set(runs.flatMap((run) => run.epochs.map((record) => record.epoch)))].sort((a, b) => a - b);
  return epochs.map((epoch) => {
    const row: Row = { epoch };
    runs.forEach((run, i) => {
      const record = run.epochs.find((candidate) => candidate.epoch === epoch);
      const values = record ? pick(record) : { train: null, validation: null };
      row[`train${i}`] = finite(values.train);
      row[`validation${i}`] = finite(values.validation);
    });
    return row;
  });
}

/** One marker per epoch (runs sharing it share one line and one label, so labels never overlap), in the run's colour, slate when shared. */
function markers(runs: CompareCurveRun[], epochOf: (run: CompareCurveRun) => number | null): Array<{ epoch: number; letters: string[]; color: string }> {
  const byEpoch = new Map<number, number[]>();
  runs.forEach((run, i) => {
    const epoch = epochOf(run);
    if (epoch !== null) byEpoch.set(epoch, [...(byEpoch.get(epoch) ?? []), i]);
  });
  return [...byEpoch].map(([epoch, indices]) => ({ epoch, letters: indices.map((i) => runs[i].letter), color: indices.length === 1 ? RUN_COLORS[indices[0]] : "#334155" }));
}

function Chart({ title, runs, data, percent, height }: { title: string; runs: CompareCurveRun[]; data: Row[]; percent?: boolean; height: number }) {
  const format = (value: number) => (percent ? `${(value * 100).toFixed(1)} %` : value.toFixed(3));
  const maxEpoch = Math.max(2, ...data.map((row) => row.epoch));
  return (
    <figure className="min-w-0 flex-1">
      <figcaption className="mb-1 text-sm font-medium text-slate-800">{title}</figcaption>
      <LineChart responsive data={data} style={{ width: "100%", height }} margin={{ top: 18, right: 16, bottom: 4, left: 0 }} title={title}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="epoch" type="number" domain={[1, maxEpoch]} allowDecimals={false} tick={{ fontSize: 12, fill: "#334155" }} label={{ value: "epoch", position: "insideBottomRight", offset: -2, fontSize: 12, fill: "#334155" }} />
        <YAxis tick={{ fontSize: 12, fill: "#334155" }} width={64} tickFormatter={format} domain={percent ? ["auto", "auto"] : [0, "auto"]} />
        <Tooltip formatter={(value) => (typeof value === "number" ? format(value) : String(value))} labelFormatter={(label) => `Epoch ${label}`} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {markers(runs, (run) => run.bestEpoch).map(({ epoch, letters, color }) => (
          <ReferenceLine key={`best-${epoch}`} x={epoch} stroke={color} strokeWidth={1.5} strokeDasharray="4 2" label={{ value: `best ${letters.join(", ")}`, position: epoch >= maxEpoch ? "insideTopRight" : "insideTopLeft", fontSize: 11, fill: color }} />
        ))}
        {markers(runs, (run) => run.overfitStartEpoch).map(({ epoch, letters, color }) => (
          <ReferenceLine key={`overfit-${epoch}`} x={epoch} stroke={color} strokeWidth={3} strokeOpacity={0.35} label={{ value: `overtraining ${letters.join(", ")}`, position: epoch >= maxEpoch ? "insideBottomRight" : "insideBottomLeft", fontSize: 11, fill: color }} />
        ))}
        {runs.flatMap((run, i) => [
          <Line key={`train${i}`} type="monotone" dataKey={`train${i}`} name={`${run.letter} training`} stroke={RUN_COLORS[i]} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />,
          <Line key={`validation${i}`} type="monotone" dataKey={`validation${i}`} name={`${run.letter} validation`} stroke={RUN_COLORS[i]} strokeWidth={2} strokeDasharray="6 3" dot={false} isAnimationActive={false} connectNulls />,
        ])}
      </LineChart>
    </figure>
  );
}

/**
 * Training (solid) and validation (dashed) curves of several runs overlaid, one colour per run,
 * each run's best epoch (dashed line "best A") and overtraining onset (wide pale line) marked.
 */
export function CompareCurves({ runs, height = 300 }: { runs: CompareCurveRun[]; height?: number }) {
  const withCurves = runs.filter((run) => run.epochs.length > 0);
  if (withCurves.length === 0) return <p className="text-sm text-slate-600">None of these submissions has training curves (uploaded models without a history file have none).</p>;
  const loss = rowsOf(runs, (record) => ({ train: record.loss, validation: record.valLoss }));
  const accuracy = rowsOf(runs, (record) => ({ train: record.accuracy, validation: record.valAccuracy }));
  const hasAccuracy = accuracy.some((row) => runs.some((_, i) => row[`train${i}`] !== null || row[`validation${i}`] !== null));
  return (
    <div className="space-y-3" data-testid="compare-curves">
      <div className="flex flex-col gap-4 lg:flex-row">
        <Chart title="Loss per epoch (solid: training, dashed: validation)" runs={runs} data={loss} height={height} />
        {hasAccuracy && <Chart title="Accuracy per epoch (solid: training, dashed: validation)" runs={runs} data={accuracy} height={height} percent />}
      </div>
      <ul className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-700">
        {runs.map((run, i) => (
          <li key={run.letter} className="flex items-center gap-2">
            <span aria-hidden="true" className="inline-block h-2 w-5 rounded" style={{ backgroundColor: RUN_COLORS[i] }} />
            <span>
              <strong>{run.letter}</strong> {run.name}:{" "}
              {run.epochs.length === 0
                ? "no curves"
                : `${run.epochs.length} epoch${run.epochs.length === 1 ? "" : "s"}${run.bestEpoch !== null ? `, best epoch ${run.bestEpoch}` : ""}${run.overfitStartEpoch !== null ? `, overtraining from epoch ${run.overfitStartEpoch}` : ", no sustained overtraining"}`}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
