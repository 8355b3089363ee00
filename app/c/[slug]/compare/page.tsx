import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LocalTime } from "@/components/local-time";
import { CompareCurves, RUN_COLORS } from "@/components/report/compare-curves";
import { Pill } from "@/components/ui/badge";
import { Alert, Card } from "@/components/ui/form";
import { compareCandidates, compareSubmissions, MAX_COMPARED, parseComparedIds, type ComparedRun } from "@/lib/compare/compare";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { loadCompetition } from "@/web/view/competition";
import { formatNumber, formatScore } from "@/web/view/format";

export const metadata: Metadata = { title: "Compare submissions" };

const LETTERS = ["A", "B", "C", "D"];

function RunName({ run }: { run: Pick<ComparedRun, "baselineLabel" | "owner" | "mine" | "createdAt"> }) {
  if (run.baselineLabel)
    return (
      <>
        {run.baselineLabel} <Pill tone="amber">baseline</Pill>
      </>
    );
  return (
    <>
      {run.mine ? "Yours" : run.owner}, <LocalTime value={run.createdAt.toISOString()} style="short" />
    </>
  );
}

const plainName = (run: Pick<ComparedRun, "baselineLabel" | "owner" | "mine">) => (run.baselineLabel ? `${run.baselineLabel} (baseline)` : run.mine ? "yours" : (run.owner ?? ""));
const percent = (value: number | null | undefined) => (value === null || value === undefined ? "–" : `${(value * 100).toFixed(1)} %`);

export default async function ComparePage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const query = await searchParams;
  const { competition, user, isStaff } = await loadCompetition(slug);
  let ids: string[];
  let problem: string | null = null;
  try {
    ids = parseComparedIds(query.ids);
  } catch (error) {
    if (!isAppError(error)) throw error;
    problem = error.message;
    ids = [];
  }
  let comparison;
  try {
    comparison = ids.length ? await compareSubmissions(db(), user.id, competition.slug, ids) : null;
  } catch (error) {
    // A submission the viewer may not see: the same 404 as its report page.
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  const candidates = await compareCandidates(db(), user.id, competition.slug);
  const runs = comparison?.runs ?? [];
  const classNames = comparison?.classNames ?? [];
  const base = `/c/${competition.slug}`;

  return (
    <div className="space-y-6">
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Compare submissions</h2>
        <p className="mb-3 text-sm text-slate-600">
          Pick 2 to {MAX_COMPARED}: {isStaff ? "any scored submission of this competition" : "your scored submissions and the reference baselines"}. Accuracy, loss, per-class numbers and confusion matrices are
          from the public part of the test set, as on the reports.
        </p>
        {problem && <Alert>{problem}</Alert>}
        {candidates.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing scored to compare yet.</p>
        ) : (
          <form method="get" action={`${base}/compare`} data-testid="compare-picker">
            <fieldset>
              <legend className="sr-only">Submissions to compare</legend>
              <ul className="max-h-72 space-y-1 overflow-y-auto text-sm">
                {candidates.map((candidate) => (
                  <li key={candidate.id}>
                    <label className="flex items-center gap-2">
                      <input type="checkbox" name="ids" value={candidate.id} defaultChecked={ids.includes(candidate.id)} className="h-4 w-4" />
                      <span>
                        <RunName run={candidate} />
                      </span>
                      <span className="font-mono tabular-nums text-slate-700">{candidate.publicScore !== null ? formatScore(candidate.publicScore, 3) : "–"}</span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            <button type="submit" className="mt-3 rounded-md bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800">
              Compare
            </button>
          </form>
        )}
      </Card>

      {runs.length === 1 && <Alert kind="info">Pick at least one more submission to compare with.</Alert>}

      {runs.length >= 1 && (
        <Card>
          <h2 className="mb-3 text-lg font-semibold">Scores</h2>
          <div className="overflow-x-auto">
            <table className="min-w-full text-sm" data-testid="compare-scores">
              <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-3">Run</th>
                  <th scope="col" className="py-2 pr-3 text-right">Public accuracy</th>
                  <th scope="col" className="py-2 pr-3 text-right">Public loss</th>
                  <th scope="col" className="py-2 pr-3 text-right">Private accuracy</th>
                  <th scope="col" className="py-2 pr-3 text-right">Best epoch</th>
                  <th scope="col" className="py-2 pr-3 text-right">Overtraining from</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {runs.map((run, i) => (
                  <tr key={run.id}>
                    <th scope="row" className="py-2 pr-3 text-left font-normal">
                      <span className="mr-2 inline-block h-2 w-4 rounded" style={{ backgroundColor: RUN_COLORS[i] }} aria-hidden="true" />
                      <strong>{LETTERS[i]}</strong>{" "}
                      <Link href={`${base}/submissions/${run.id}`} className="underline">
                        <RunName run={run} />
                      </Link>
                    </th>
                    <td className="py-2 pr-3 text-right font-mono tabular-nums">{run.publicScore !== null ? formatScore(run.publicScore, 3) : "–"}</td>
                    <td className="py-2 pr-3 text-right font-mono tabular-nums">{formatNumber(run.publicLoss)}</td>
                    <td className="py-2 pr-3 text-right font-mono tabular-nums">{run.privateScore !== null ? formatScore(run.privateScore, 3) : <span className="text-slate-500">hidden until private results are revealed</span>}</td>
                    <td className="py-2 pr-3 text-right tabular-nums">{run.curves?.bestEpoch ?? "–"}</td>
                    <td className="py-2 pr-3 text-right tabular-nums">{run.curves ? (run.curves.overfitStartEpoch ?? "none") : "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}

      {runs.length >= 2 && (
        <>
          <Card>
            <h2 className="mb-1 text-lg font-semibold">Training curves</h2>
            <p className="mb-3 text-sm text-slate-600">Loss and accuracy per epoch on the training data and on each run&apos;s validation split, overlaid.</p>
            <CompareCurves runs={runs.map((run, i) => ({ letter: LETTERS[i], name: plainName(run), epochs: run.curves?.epochs ?? [], bestEpoch: run.curves?.bestEpoch ?? null, overfitStartEpoch: run.curves?.overfitStartEpoch ?? null }))} />
          </Card>

          <Card>
            <h2 className="mb-3 text-lg font-semibold">Accuracy per class</h2>
            <div className="overflow-x-auto">
              <table className="min-w-full text-sm tabular-nums" data-testid="compare-per-class">
                <caption className="mb-2 text-left text-sm text-slate-700">Public-split accuracy per true class; the best run of each class in bold.</caption>
                <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="py-1 pr-3 text-left">Class</th>
                    {runs.map((run, i) => (
                      <th key={run.id} scope="col" className="py-1 pr-3 text-right" style={{ color: RUN_COLORS[i] }}>
                        {LETTERS[i]}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {classNames.map((name, c) => {
                    const values = runs.map((run) => run.perClass[c] ?? null);
                    const best = Math.max(...values.map((v) => v ?? -1));
                    return (
                      <tr key={name}>
                        <th scope="row" className="py-1 pr-3 text-left font-medium">{name}</th>
                        {values.map((value, i) => (
                          <td key={runs[i].id} className={`py-1 pr-3 text-right font-mono ${value !== null && value === best && runs.length > 1 ? "font-bold" : ""}`}>
                            {percent(value)}
                          </td>
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </Card>

          {comparison && comparison.confusionDiffs.length > 0 && (
            <Card>
              <h2 className="mb-1 text-lg font-semibold">Confusion difference</h2>
              <p className="mb-3 text-sm text-slate-600">
                Each run&apos;s public-split confusion matrix minus run A&apos;s (same images): on the diagonal, green is more correct answers than A; off it, green is fewer mistakes of that kind.
              </p>
              <div className="flex flex-wrap gap-6">
                {comparison.confusionDiffs.map(({ runId, diff }) => {
                  const index = runs.findIndex((run) => run.id === runId);
                  return (
                    <div key={runId} className="overflow-x-auto">
                      <table className="border-separate border-spacing-0.5 text-xs tabular-nums" data-testid="confusion-diff">
                        <caption className="mb-1 text-left text-sm font-medium text-slate-800">
                          {LETTERS[index]} − A (rows: true class, columns: predicted)
                        </caption>
                        <thead>
                          <tr>
                            <td />
                            {classNames.map((name) => (
                              <th key={name} scope="col" className="max-w-12 truncate p-1 font-medium text-slate-700" title={name}>
                                {name}
                              </th>
                            ))}
                          </tr>
                        </thead>
                        <tbody>
                          {diff.map((row, r) => (
                            <tr key={r}>
                              <th scope="row" className="max-w-16 truncate p-1 text-left font-medium text-slate-700" title={classNames[r]}>
                                {classNames[r] ?? r}
                              </th>
                              {row.map((cell, c) => {
                                const good = r === c ? cell > 0 : cell < 0;
                                const tone = cell === 0 ? "bg-slate-50 text-slate-400" : good ? "bg-green-100 text-green-900" : "bg-red-100 text-red-900";
                                return (
                                  <td key={c} className={`min-w-8 p-1 text-center font-mono ${tone}`}>
                                    {cell > 0 ? `+${cell}` : cell}
                                  </td>
                                );
                              })}
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  );
                })}
              </div>
            </Card>
          )}

          {comparison && (
            <Card>
              <h2 className="mb-3 text-lg font-semibold">Settings</h2>
              <div className="overflow-x-auto">
                <table className="min-w-full text-sm" data-testid="compare-settings">
                  <caption className="mb-2 text-left text-sm text-slate-700">What was submitted; rows that differ are marked.</caption>
                  <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
                    <tr>
                      <th scope="col" className="py-1 pr-3">Setting</th>
                      {runs.map((run, i) => (
                        <th key={run.id} scope="col" className="py-1 pr-3" style={{ color: RUN_COLORS[i] }}>
                          {LETTERS[i]}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {comparison.settings.map((row) => (
                      <tr key={row.field} className={row.differs ? "bg-amber-50" : undefined} data-differs={row.differs ? "true" : undefined}>
                        <th scope="row" className="py-1 pr-3 text-left font-medium whitespace-nowrap">
                          {row.field}
                          {row.differs && <span className="sr-only"> (differs)</span>}
                        </th>
                        {row.values.map((value, i) => (
                          <td key={runs[i].id} className="py-1 pr-3 align-top">
                            {value}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          )}
        </>
      )}
    </div>
  );
}
