import type { Robustness } from "@/lib/evaluation/schemas";
import { formatScore } from "@/web/view/format";

/**
 * The robustness panel: accuracy on the same public images as they are and shifted, rotated,
 * noisy, as horizontal bars (0-100 %) with the change against clean. Data: Report.robustness
 * (lib/evaluation/robustness.ts).
 */
export function RobustnessPanel({ robustness }: { robustness: Robustness }) {
  const rows = [{ id: "clean", label: "as they are", accuracy: robustness.clean }, ...robustness.conditions];
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        How much accuracy survives small changes a person would not notice: a network that only learned where pixels are (an MLP) loses far more under a 2-3 pixel shift than a CNN, whose
        convolutions and pooling look for the same features anywhere in the image.
      </p>
      <table className="w-full text-sm" data-testid="robustness-table">
        <caption className="sr-only">Accuracy on perturbed public images</caption>
        <thead>
          <tr className="text-left text-xs text-slate-600">
            <th scope="col" className="py-1 pr-3 font-medium">
              Images
            </th>
            <th scope="col" className="w-1/2 py-1 pr-3 font-medium">
              <span className="sr-only">Bar</span>
            </th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">
              Accuracy
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const accuracy = Number.isFinite(row.accuracy) ? row.accuracy : 0;
            const change = row.id === "clean" ? null : row.accuracy - robustness.clean;
            return (
              <tr key={row.id} className="border-t border-slate-100" data-testid={`robustness-${row.id}`}>
                <th scope="row" className="py-1.5 pr-3 text-left font-normal text-slate-800">
                  {row.label}
                </th>
                <td className="py-1.5 pr-3">
                  <div className="h-3 w-full rounded bg-slate-100" aria-hidden="true">
                    <div className={`h-3 rounded ${row.id === "clean" ? "bg-slate-500" : "bg-indigo-500"}`} style={{ width: `${Math.max(0, Math.min(100, accuracy * 100))}%` }} />
                  </div>
                </td>
                <td className="py-1.5 pr-3 text-right tabular-nums">{formatScore(row.accuracy)}</td>
                <td className={`py-1.5 text-right tabular-nums ${change !== null && change < -0.005 ? "text-red-800" : "text-slate-600"}`}>
                  {change === null ? "–" : `${change >= 0 ? "+" : "−"}${(Math.abs(change) * 100).toFixed(1)} pts`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="text-xs text-slate-600">
        Measured on the first {robustness.examples.toLocaleString("en")} of the public split&apos;s {robustness.publicExamples.toLocaleString("en")} images (never the private split), to keep the cost
        bounded. Shifts move each image left, right, up or down in turn, with black coming in; rotations turn about the centre (+ is clockwise); noise is Gaussian with σ {robustness.noiseSigma} on
        the 0-255 pixel scale (seed {robustness.seed}).{robustness.engine ? ` Predicted by ${robustness.engine}, the engine that scored the test set.` : ""}
      </p>
    </div>
  );
}
