import type { ModelSummary } from "@/lib/models/summary";
import { formatCount, formatFlops } from "@/web/view/format";

const shape = (dims: Array<number | null>) => `(None${dims.map((d) => `, ${d ?? "None"}`).join("")})`;

/** The model as Keras' model.summary() shows it: layer (type), output shape, parameters; totals and FLOPs. */
export function ModelSummaryTable({ summary }: { summary: ModelSummary }) {
  const functional = summary.kind === "functional";
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">
        Model <span className="font-mono">&quot;{summary.name}&quot;</span> · {summary.kind}
        {summary.format ? ` · ${summary.format}` : ""} · input {shape(summary.inputShape)} → output {shape(summary.outputShape)} ({summary.output})
      </p>
      {summary.layers.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="min-w-full font-mono text-xs" data-testid="model-summary">
            <caption className="sr-only">Layers of the model</caption>
            <thead className="border-y-2 border-slate-800 text-left">
              <tr>
                <th scope="col" className="py-1.5 pr-4">Layer (type)</th>
                <th scope="col" className="py-1.5 pr-4">Output shape</th>
                <th scope="col" className="py-1.5 pr-4 text-right">Param #</th>
                {functional && <th scope="col" className="py-1.5">Connected to</th>}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {summary.layers.map((layer, index) => (
                <tr key={`${layer.name}-${index}`}>
                  <th scope="row" className="py-1 pr-4 text-left font-normal" style={{ paddingLeft: `${layer.depth * 1.25}rem` }}>
                    {layer.name} <span className="text-slate-600">({layer.type})</span>
                  </th>
                  <td className="py-1 pr-4">{layer.outputShape}</td>
                  <td className="py-1 pr-4 text-right tabular-nums">{formatCount(layer.params)}</td>
                  {functional && <td className="py-1 text-slate-600">{layer.connectedTo?.join(", ") || "–"}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : summary.ops ? (
        <p className="text-sm text-slate-700">
          Graph model ops:{" "}
          {Object.entries(summary.ops)
            .sort((a, b) => b[1] - a[1])
            .map(([op, n]) => `${op} ×${n}`)
            .join(", ")}
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 border-t-2 border-slate-800 pt-2 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-600">Total params</dt>
          <dd className="font-mono tabular-nums">{formatCount(summary.totalParams)}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Trainable</dt>
          <dd className="font-mono tabular-nums">{formatCount(summary.trainableParams)}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Non-trainable</dt>
          <dd className="font-mono tabular-nums">{formatCount(summary.nonTrainableParams)}</dd>
        </div>
        <div>
          <dt className="text-slate-600">FLOPs per image</dt>
          <dd className="font-mono tabular-nums">{formatFlops(summary.flopsPerExample)}</dd>
        </div>
      </dl>
    </div>
  );
}
