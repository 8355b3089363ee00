import type { PerClassMetrics } from "@/lib/evaluation/schemas";

/** Per-class accuracy as horizontal bars (a table underneath, so it reads well without sight too). */
export function PerClassBars({ perClass }: { perClass: PerClassMetrics[] }) {
  const worst = perClass.reduce<PerClassMetrics | null>((min, c) => (c.support > 0 && (min === null || c.accuracy < min.accuracy) ? c : min), null);
  return (
    <div className="space-y-2">
      <table className="w-full text-sm" data-testid="per-class">
        <caption className="mb-2 text-left text-sm text-slate-700">
          Accuracy per true class (the share of each class predicted correctly), with precision and the number of public test images.
          {worst ? ` Weakest class: ${worst.label}.` : ""}
        </caption>
        <thead className="text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-2 text-left">
              Class
            </th>
            <th scope="col" className="w-1/2 py-1 pr-2 text-left">
              Accuracy
            </th>
            <th scope="col" className="py-1 pr-2 text-right">
              Precision
            </th>
            <th scope="col" className="py-1 text-right">
              Images
            </th>
          </tr>
        </thead>
        <tbody>
          {perClass.map((c) => {
            const percent = Math.max(0, Math.min(100, c.accuracy * 100));
            const weak = worst !== null && c === worst;
            return (
              <tr key={c.label}>
                <th scope="row" className="py-1 pr-2 text-left font-medium text-slate-800">
                  {c.label}
                </th>
                <td className="py-1 pr-2">
                  <div className="flex items-center gap-2">
                    <div className="h-3 flex-1 overflow-hidden rounded-full bg-slate-100" aria-hidden="true">
                      <div className={`h-full rounded-full ${weak ? "bg-red-600" : "bg-indigo-600"}`} style={{ width: `${percent}%` }} />
                    </div>
                    <span className="w-16 text-right font-mono text-xs tabular-nums">{percent.toFixed(1)} %</span>
                  </div>
                </td>
                <td className="py-1 pr-2 text-right font-mono text-xs tabular-nums">{(c.precision * 100).toFixed(1)} %</td>
                <td className="py-1 text-right font-mono text-xs tabular-nums">{c.support.toLocaleString("en-US")}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
