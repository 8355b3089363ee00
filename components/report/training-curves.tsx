"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { EpochRecord } from "@/lib/evaluation/schemas";
import { overtrainingSpans, overtrainingThreshold } from "@/lib/training/overtraining";
import { formatPercentTick } from "@/web/view/format";

const TRAIN = "#4338ca"; // indigo-700
const VALIDATION = "#c2410c"; // orange-700
const GAP = "#475569"; // slate-600
const OVERTRAINING = "#fecaca"; // red-200

export interface TrainingCurvesProps {
  epochs: EpochRecord[];
  bestEpoch: number | null;
  overfitStartEpoch: number | null;
  generalizationGap?: Array<number | null>;
  /** Planned number of epochs while training runs: the x axis keeps its width as the curve grows. */
  totalEpochs?: number | null;
  height?: number;
}

const finite = (value: number | null | undefined) => (value !== null && value !== undefined && Number.isFinite(value) ? value : null);

interface Row {
  epoch: number;
  partial: boolean;
  loss: number | null;
  valLoss: number | null;
  accuracy: number | null;
  valAccuracy: number | null;
  gap: number | null;
}

/**
 * The points of a line: an epoch the time budget cut short (`partial`) is a larger hollow point,
 * whatever the number of epochs; the others are small filled points on short curves only.
 */
function pointRenderer(color: string, showAll: boolean) {
  function Point(props: { cx?: number | null; cy?: number | null; payload?: Row; index?: number }) {
    const { cx, cy, payload, index } = props;
    const key = `point-${index}`;
    if (typeof cx !== "number" || typeof cy !== "number" || !Number.isFinite(cx) || !Number.isFinite(cy)) return <g key={key} />;
    if (payload?.partial) return <circle key={key} cx={cx} cy={cy} r={4.5} fill="#ffffff" stroke={color} strokeWidth={2} data-partial="true"><title>{`Epoch ${payload.epoch}: partial (cut short by the time budget)`}</title></circle>;
    if (!showAll) return <g key={key} />;
    return <circle key={key} cx={cx} cy={cy} r={2.5} fill={color} stroke={color} />;
  }
  return Point;
}

function Chart({
  title,
  data,
  lines,
  bestEpoch,
  spans,
  maxEpoch,
  height,
  percent,
}: {
  title: string;
  data: Row[];
  lines: Array<{ key: string; name: string; color: string; dash?: string }>;
  bestEpoch: number | null;
  /** Where validation loss is visibly above its best (lib/training/overtraining.ts overtrainingSpans). */
  spans: Array<{ from: number; to: number }>;
  maxEpoch: number;
  height: number;
  percent?: boolean;
}) {
  const format = (value: number) => (percent ? `${(value * 100).toFixed(1)} %` : value.toFixed(3));
  // Axis ticks are round numbers: short labels that fit the axis ("97.5%").
  const tick = (value: number) => (percent ? formatPercentTick(value) : value.toFixed(3));
  return (
    <figure className="min-w-0 flex-1">
      <figcaption className="mb-1 text-sm font-medium text-slate-800">{title}</figcaption>
      {/* The labels of the best-epoch and partial-epoch lines sit in the top margin, above the plot, so they never cover a curve. */}
      <LineChart responsive data={data} style={{ width: "100%", height }} margin={{ top: 34, right: 16, bottom: 4, left: 0 }} title={title}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="epoch" type="number" domain={[1, Math.max(maxEpoch, 2)]} allowDecimals={false} tick={{ fontSize: 12, fill: "#334155" }} label={{ value: "epoch", position: "insideBottomRight", offset: -2, fontSize: 12, fill: "#334155" }} />
        <YAxis tick={{ fontSize: 12, fill: "#334155" }} width={percent ? 52 : 56} tickFormatter={tick} domain={percent ? ["auto", "auto"] : [0, "auto"]} />
        <Tooltip formatter={(value) => (typeof value === "number" ? format(value) : String(value))} labelFormatter={(label) => `Epoch ${label}`} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {spans.map((span) => (
          <ReferenceArea key={`over-${span.from}`} x1={span.from} x2={span.to} fill={OVERTRAINING} fillOpacity={0.45} ifOverflow="extendDomain" />
        ))}
        {data
          .filter((row) => row.partial)
          .map((row) => (
            <ReferenceLine key={`partial-${row.epoch}`} x={row.epoch} stroke="#64748b" strokeDasharray="1 3" label={{ value: "partial", position: "top", offset: 18, fontSize: 11, fill: "#475569" }} />
          ))}
        {bestEpoch !== null && <ReferenceLine x={bestEpoch} stroke="#15803d" strokeWidth={2} strokeDasharray="4 2" label={{ value: `best: ${bestEpoch}`, position: "top", offset: 4, fontSize: 11, fill: "#166534" }} />}
        {lines.map((line) => (
          <Line key={line.key} type="monotone" dataKey={line.key} name={line.name} stroke={line.color} strokeWidth={2} strokeDasharray={line.dash} dot={pointRenderer(line.color, data.length <= 30)} activeDot={{ r: 4 }} isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    </figure>
  );
}

/**
 * Overtraining curves: training vs validation loss and accuracy per epoch, the best epoch (lowest
 * validation loss) as a line, the overtraining region shaded, and the generalization gap. Epochs
 * the time budget cut short (`partial: true`) are hollow points with a dotted "partial" line and
 * are named under the charts. A data table with the same numbers follows for screen readers and
 * keyboard users.
 */
export function TrainingCurves({ epochs, bestEpoch, overfitStartEpoch, generalizationGap, totalEpochs, height = 260 }: TrainingCurvesProps) {
  if (epochs.length === 0) return null;
  const data: Row[] = epochs.map((record, index) => ({
    epoch: record.epoch,
    partial: record.partial === true,
    loss: finite(record.loss),
    valLoss: finite(record.valLoss),
    accuracy: finite(record.accuracy),
    valAccuracy: finite(record.valAccuracy),
    gap: finite(generalizationGap?.[index] ?? (record.valLoss !== null && Number.isFinite(record.loss) ? record.valLoss - record.loss : null)),
  }));
  const lastEpoch = epochs[epochs.length - 1].epoch;
  const maxEpoch = Math.max(lastEpoch, totalEpochs ?? 0);
  const hasValidation = data.some((row) => row.valLoss !== null);
  const hasAccuracy = data.some((row) => row.accuracy !== null || row.valAccuracy !== null);
  const lossLines = [
    { key: "loss", name: "training loss", color: TRAIN },
    ...(hasValidation ? [{ key: "valLoss", name: "validation loss", color: VALIDATION, dash: "6 3" }] : []),
    ...(hasValidation ? [{ key: "gap", name: "gap (validation − training)", color: GAP, dash: "2 3" }] : []),
  ];
  const accuracyLines = [
    { key: "accuracy", name: "training accuracy", color: TRAIN },
    ...(data.some((row) => row.valAccuracy !== null) ? [{ key: "valAccuracy", name: "validation accuracy", color: VALIDATION, dash: "6 3" }] : []),
  ];
  const best = bestEpoch !== null ? epochs.find((e) => e.epoch === bestEpoch) : undefined;
  const partialEpochs = epochs.filter((e) => e.partial === true).map((e) => e.epoch);
  const lastGap = data[data.length - 1].gap;
  // Shaded only where validation loss is above its best by the visible margin (one rule, lib/training/overtraining.ts).
  const points = epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss ?? Number.NaN }));
  const spans = overtrainingSpans(points, overfitStartEpoch);
  const limit = overtrainingThreshold(points);
  const overtrained = (record: EpochRecord) => record.valLoss !== null && limit !== null && spans.some((span) => record.epoch >= span.from && record.epoch <= span.to);

  return (
    <div className="space-y-3" data-testid="training-curves">
      <div className="flex flex-col gap-4 md:flex-row">
        <Chart title="Loss per epoch" data={data} lines={lossLines} bestEpoch={bestEpoch} spans={spans} maxEpoch={maxEpoch} height={height} />
        {hasAccuracy && (
          <Chart title="Accuracy per epoch" data={data} lines={accuracyLines} bestEpoch={bestEpoch} spans={spans} maxEpoch={maxEpoch} height={height} percent />
        )}
      </div>
      {(bestEpoch !== null || spans.length > 0) && (
        <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" data-testid="curve-marks">
          {bestEpoch !== null && (
            <span className="flex items-center gap-1.5">
              <svg width="18" height="10" viewBox="0 0 18 10" aria-hidden="true">
                <line x1="0" y1="5" x2="18" y2="5" stroke="#15803d" strokeWidth="2" strokeDasharray="4 2" />
              </svg>
              best epoch (lowest validation loss)
            </span>
          )}
          {spans.length > 0 && (
            <span className="flex items-center gap-1.5">
              <span aria-hidden="true" className="inline-block h-3 w-4 rounded-sm" style={{ background: OVERTRAINING }} />
              overtraining: validation loss visibly above its best
            </span>
          )}
        </p>
      )}
      <p className="text-sm text-slate-700">
        {best ? (
          <>
            Best epoch <strong>{best.epoch}</strong> (lowest validation loss{best.valLoss !== null ? ` ${best.valLoss.toFixed(4)}` : ""}).{" "}
          </>
        ) : null}
        {overfitStartEpoch !== null && spans.length > 0 ? (
          <>
            Overtraining from epoch <strong>{overfitStartEpoch}</strong>: validation loss rises while training loss keeps falling; shaded where it is more than {limit!.margin.toFixed(4)} above its best.{" "}
          </>
        ) : overfitStartEpoch !== null ? (
          <>
            Validation loss rose slightly after epoch <strong>{overfitStartEpoch}</strong>, by less than {limit ? limit.margin.toFixed(4) : "the visible margin"} (too little to see on the chart), so nothing is shaded.{" "}
          </>
        ) : hasValidation ? (
          "No sustained overtraining detected. "
        ) : (
          "No validation data, so overtraining cannot be judged. "
        )}
        {lastGap !== null && `Generalization gap at the last epoch: ${lastGap.toFixed(4)}.`}
      </p>
      {partialEpochs.length > 0 && (
        <p className="flex items-start gap-2 text-sm text-slate-700" data-testid="partial-epochs">
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" className="mt-0.5 shrink-0">
            <circle cx="7" cy="7" r="4.5" fill="#ffffff" stroke={TRAIN} strokeWidth="2" />
          </svg>
          <span>
            Partial epoch{partialEpochs.length > 1 ? "s" : ""} {partialEpochs.join(", ")} (hollow point, dotted line “partial”): the time budget stopped training part-way, so {partialEpochs.length > 1 ? "these epochs" : "this epoch"} saw only part of the training set and {partialEpochs.length > 1 ? "their" : "its"} numbers are not comparable with full epochs.
          </span>
        </p>
      )}
      <details className="text-sm">
        <summary className="cursor-pointer text-indigo-700 underline">Curve values as a table</summary>
        <div className="mt-2 max-h-72 overflow-auto">
          <table className="min-w-full text-right text-xs tabular-nums">
            <caption className="sr-only">Training and validation metrics per epoch</caption>
            <thead className="sticky top-0 bg-white text-slate-600">
              <tr>
                <th scope="col" className="px-2 py-1 text-left">Epoch</th>
                <th scope="col" className="px-2 py-1">Loss</th>
                <th scope="col" className="px-2 py-1">Val. loss</th>
                <th scope="col" className="px-2 py-1">Gap</th>
                <th scope="col" className="px-2 py-1">Accuracy</th>
                <th scope="col" className="px-2 py-1">Val. accuracy</th>
                <th scope="col" className="px-2 py-1">Seconds</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {epochs.map((record, index) => (
                <tr key={record.epoch} className={record.epoch === bestEpoch ? "bg-green-50" : overtrained(record) ? "bg-red-50" : undefined}>
                  <th scope="row" className="px-2 py-1 text-left font-normal">
                    {record.epoch}
                    {record.epoch === bestEpoch ? " (best)" : ""}
                    {record.partial ? " (partial)" : ""}
                  </th>
                  <td className="px-2 py-1">{data[index].loss?.toFixed(4) ?? "–"}</td>
                  <td className="px-2 py-1">{data[index].valLoss?.toFixed(4) ?? "–"}</td>
                  <td className="px-2 py-1">{data[index].gap?.toFixed(4) ?? "–"}</td>
                  <td className="px-2 py-1">{data[index].accuracy !== null ? `${(data[index].accuracy! * 100).toFixed(2)} %` : "–"}</td>
                  <td className="px-2 py-1">{data[index].valAccuracy !== null ? `${(data[index].valAccuracy! * 100).toFixed(2)} %` : "–"}</td>
                  <td className="px-2 py-1">{record.seconds !== null ? record.seconds.toFixed(1) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
