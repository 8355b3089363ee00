/**
 * The confusion matrix as a real table: rows are the true classes, columns the predicted ones.
 * Each cell's background darkens with its share of the row (so rows of different sizes compare),
 * the count is always printed, and the text colour switches to keep the contrast readable.
 */
export function ConfusionMatrix({ matrix, classNames }: { matrix: number[][]; classNames: string[] }) {
  const rowTotals = matrix.map((row) => row.reduce((sum, n) => sum + n, 0));
  const total = rowTotals.reduce((sum, n) => sum + n, 0);
  const correct = matrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  const name = (i: number) => classNames[i] ?? String(i);
  return (
    <div className="space-y-2">
      <div className="overflow-x-auto">
        <table className="border-separate border-spacing-0.5 text-xs tabular-nums" data-testid="confusion-matrix">
          <caption className="mb-2 text-left text-sm text-slate-700">
            Public-split confusion matrix: rows are the true classes, columns what the model predicted. {correct.toLocaleString("en-US")} of {total.toLocaleString("en-US")} on the diagonal (correct).
          </caption>
          <thead>
            <tr>
              <td className="p-1" />
              <th scope="colgroup" colSpan={matrix.length} className="p-1 text-center text-xs font-medium text-slate-600">
                predicted
              </th>
            </tr>
            <tr>
              <th scope="col" className="p-1 text-left text-xs font-medium text-slate-600">
                true ↓
              </th>
              {matrix.map((_, j) => (
                <th key={j} scope="col" className="max-w-16 p-1 align-bottom font-medium text-slate-700" title={name(j)}>
                  <span className="block truncate">{name(j)}</span>
                </th>
              ))}
              <th scope="col" className="p-1 font-medium text-slate-600">
                total
              </th>
            </tr>
          </thead>
          <tbody>
            {matrix.map((row, i) => (
              <tr key={i}>
                <th scope="row" className="max-w-28 truncate p-1 pr-2 text-left font-medium text-slate-700" title={name(i)}>
                  {name(i)}
                </th>
                {row.map((count, j) => {
                  const share = rowTotals[i] > 0 ? count / rowTotals[i] : 0;
                  const diagonal = i === j;
                  // Diagonal in indigo (correct), off-diagonal in red (mistakes); darker = larger share of the row.
                  const alpha = count === 0 ? 0 : 0.08 + 0.92 * Math.sqrt(share);
                  const background = diagonal ? `rgba(67, 56, 202, ${alpha.toFixed(3)})` : `rgba(220, 38, 38, ${alpha.toFixed(3)})`;
                  const dark = alpha > 0.5;
                  return (
                    <td
                      key={j}
                      className={`h-9 min-w-9 rounded-sm px-1 text-center ${dark ? "font-semibold text-white" : count === 0 ? "text-slate-400" : "text-slate-900"} ${diagonal ? "ring-1 ring-indigo-300 ring-inset" : ""}`}
                      style={{ background: count === 0 ? "#f8fafc" : background }}
                      title={`true ${name(i)}, predicted ${name(j)}: ${count} (${(share * 100).toFixed(1)} % of ${name(i)})`}
                    >
                      {count}
                    </td>
                  );
                })}
                <td className="px-1.5 text-center text-slate-600">{rowTotals[i]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
