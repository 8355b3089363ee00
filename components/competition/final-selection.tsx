"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { LocalTime } from "@/components/local-time";
import { useIsClient } from "@/components/use-client";
import { StatusBadge } from "@/components/ui/badge";
import { Alert, buttonClass } from "@/components/ui/form";
import type { ActionResult } from "@/web/action-result";
import { formatScore, kindShortLabel } from "@/web/view/format";

export interface OwnSubmissionRow {
  id: string;
  kind: string;
  format: string | null;
  status: string;
  note: string | null;
  createdAt: string;
  selectedForFinal: boolean;
  disqualifiedReason: string | null;
  failureReason: string | null;
  publicScore: number | null;
  privateScore: number | null;
  isBest: boolean;
  /** "late (-20%)" for a late upload (its penalty applies in the grade); null on time. */
  lateLabel?: string | null;
  /** In a team: who uploaded it. */
  submittedBy?: string | null;
}

/**
 * The student's own submissions with final-selection checkboxes. The server decides what counts
 * (selectFinalSubmissions); this only sends the ids and shows its answer.
 */
export function FinalSelectionTable({
  slug,
  rows,
  maxFinal,
  closed,
  privateRevealed,
  preview,
  selectAction,
}: {
  slug: string;
  rows: OwnSubmissionRow[];
  maxFinal: number;
  /** The selection locks at the close. */
  closed: boolean;
  /** The private score column shows once the private results are revealed (lib/submissions/late.ts privateRevealAt). */
  privateRevealed: boolean;
  preview: boolean;
  selectAction: (slug: string, ids: string[]) => Promise<ActionResult<{ selected: number }>>;
}) {
  const router = useRouter();
  const isClient = useIsClient();
  const [selected, setSelected] = useState(() => new Set(rows.filter((row) => row.selectedForFinal).map((row) => row.id)));
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, startTransition] = useTransition();
  const initial = rows.filter((row) => row.selectedForFinal).map((row) => row.id);
  const dirty = initial.length !== selected.size || initial.some((id) => !selected.has(id));
  const canChange = !closed && !preview;

  function toggle(id: string, checked: boolean) {
    setMessage(undefined);
    setSelected((current) => {
      const next = new Set(current);
      if (checked) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function save(event: React.FormEvent) {
    event.preventDefault();
    startTransition(async () => {
      const result = await selectAction(slug, [...selected]);
      if (result.ok) {
        setMessage({ ok: true, text: result.message ?? `Saved: ${result.data.selected} final submission${result.data.selected === 1 ? "" : "s"}.` });
        router.refresh();
      } else setMessage({ ok: false, text: result.error });
    });
  }

  return (
    <form onSubmit={save} className="space-y-3" data-ready={isClient ? "true" : undefined}>
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Your submissions, newest first</caption>
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-3">
                Final
              </th>
              <th scope="col" className="py-2 pr-3">
                Submitted
              </th>
              <th scope="col" className="py-2 pr-3">
                Kind
              </th>
              <th scope="col" className="py-2 pr-3">
                Status
              </th>
              <th scope="col" className="py-2 pr-3 text-right">
                Public score
              </th>
              {privateRevealed && (
                <th scope="col" className="py-2 pr-3 text-right">
                  Private score
                </th>
              )}
              <th scope="col" className="py-2 pr-3">
                Note
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => {
              const selectable = row.status === "SCORED" && !row.disqualifiedReason;
              const checkboxId = `final-${row.id}`;
              return (
                <tr key={row.id} className={selected.has(row.id) ? "bg-indigo-50/60" : undefined}>
                  <td className="py-2 pr-3">
                    <input
                      id={checkboxId}
                      type="checkbox"
                      className="size-4 rounded border-slate-400 accent-indigo-600"
                      checked={selected.has(row.id)}
                      disabled={!canChange || !selectable || pending}
                      onChange={(event) => toggle(row.id, event.target.checked)}
                      aria-label={`Select the submission of ${new Date(row.createdAt).toISOString().slice(0, 16).replace("T", " ")} UTC for final scoring`}
                    />
                  </td>
                  <td className="py-2 pr-3 whitespace-nowrap">
                    <Link href={`/c/${slug}/submissions/${row.id}${preview ? "?preview=student" : ""}`} className="text-indigo-700 underline hover:text-indigo-900">
                      <LocalTime value={row.createdAt} style="short" />
                    </Link>
                    {row.submittedBy ? <span className="text-slate-500"> · {row.submittedBy}</span> : null}
                  </td>
                  <td className="py-2 pr-3 text-slate-700">
                    {kindShortLabel(row.kind)}
                    {row.format ? <span className="text-slate-500"> · {row.format}</span> : null}
                  </td>
                  <td className="py-2 pr-3">
                    <StatusBadge status={row.status} disqualified={Boolean(row.disqualifiedReason)} />
                    {row.isBest && <span className="ml-2 text-xs font-medium text-green-800">best</span>}
                    {row.lateLabel && <span className="ml-2 text-xs font-medium text-amber-800">{row.lateLabel}</span>}
                  </td>
                  <td className="py-2 pr-3 text-right font-mono tabular-nums">{formatScore(row.publicScore)}</td>
                  {privateRevealed && <td className="py-2 pr-3 text-right font-mono tabular-nums">{formatScore(row.privateScore)}</td>}
                  <td className="max-w-xs truncate py-2 pr-3 text-slate-600" title={row.note ?? undefined}>
                    {row.note ?? ""}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        {canChange && (
          <button type="submit" className={buttonClass} disabled={pending || !dirty || !isClient}>
            {pending ? "Saving…" : "Save final selection"}
          </button>
        )}
        <p className="text-sm text-slate-600" id="final-hint">
          {selected.size} of at most {maxFinal} selected. {closed ? "The competition is closed: the selection is final." : `The private leaderboard uses your selected submissions; with none selected, your ${maxFinal === 1 ? "best public submission counts" : `${maxFinal} best public submissions count`}.`}
        </p>
      </div>
      {message && <Alert kind={message.ok ? "success" : "error"}>{message.text}</Alert>}
    </form>
  );
}
