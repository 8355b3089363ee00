import type { Metadata } from "next";
import Link from "next/link";
import { DisqualifyControl, RescoreAllButton } from "@/components/instructor/moderation";
import { LocalTime } from "@/components/local-time";
import { Pill, StatusBadge } from "@/components/ui/badge";
import { Card } from "@/components/ui/form";
import { IntegrityFlags } from "@/components/instructor/integrity-flags";
import { db } from "@/lib/db";
import { integrityReport } from "@/lib/leaderboard/integrity";
import { loadCompetitionAsStaff } from "@/web/view/competition";
import { formatScore, kindShortLabel } from "@/web/view/format";
import { disqualifyAction, reinstateAction, rescoreAction } from "@/app/c/[slug]/manage/actions";

export const metadata: Metadata = { title: "All submissions" };

const STATUSES = ["QUEUED", "VALIDATING", "TRAINING", "SCORING", "SCORED", "FAILED", "CANCELLED"] as const;
const PAGE_SIZE = 200;

export default async function AllSubmissionsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { competition, isInstructor } = await loadCompetitionAsStaff((await params).slug);
  const query = await searchParams;
  const status = typeof query.status === "string" && (STATUSES as readonly string[]).includes(query.status) ? (query.status as (typeof STATUSES)[number]) : null;
  const page = Math.max(1, Number(query.page) || 1);
  const where = { competitionId: competition.id, ...(status ? { status } : {}) };
  const [rows, total, counts] = await Promise.all([
    db().submission.findMany({
      where,
      include: { user: { select: { id: true, name: true, email: true } }, score: true },
      orderBy: { createdAt: "desc" },
      take: PAGE_SIZE,
      skip: (page - 1) * PAGE_SIZE,
    }),
    db().submission.count({ where }),
    db().submission.groupBy({ by: ["status"], where: { competitionId: competition.id }, _count: { _all: true } }),
  ]);
  // Staff only (this page 403s for students): test-set contamination and copies (lib/leaderboard/integrity.ts).
  const integrity = await integrityReport(db(), competition.id);
  const countOf = (s: string) => counts.find((c) => c.status === s)?._count._all ?? 0;
  const all = counts.reduce((sum, c) => sum + c._count._all, 0);
  const base = `/c/${competition.slug}/manage/submissions`;

  return (
    <div className="space-y-6">
      <Card>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h2 className="text-lg font-semibold">All submissions</h2>
            <p className="text-sm text-slate-600">
              {all} in total. Private scores are shown to the course's staff only until students see private results (the close, or the end of the late period and extensions).
            </p>
          </div>
          {isInstructor && <RescoreAllButton total={all - countOf("CANCELLED")} rescoreAction={rescoreAction.bind(null, competition.id)} />}
        </div>
        <nav aria-label="Filter by status" className="mt-4 flex flex-wrap gap-2 text-sm">
          <Link href={base} aria-current={status === null ? "page" : undefined} className={`rounded-full px-3 py-1 ${status === null ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}>
            All ({all})
          </Link>
          {STATUSES.filter((s) => countOf(s) > 0).map((s) => (
            <Link key={s} href={`${base}?status=${s}`} aria-current={status === s ? "page" : undefined} className={`rounded-full px-3 py-1 ${status === s ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}>
              {s.charAt(0) + s.slice(1).toLowerCase()} ({countOf(s)})
            </Link>
          ))}
        </nav>
      </Card>
      <IntegrityFlags slug={competition.slug} report={integrity} />
      <Card>
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600">No submissions{status ? ` with status ${status.toLowerCase()}` : " yet"}.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-sm" data-testid="all-submissions">
              <caption className="sr-only">All submissions, newest first</caption>
              <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-3">Submitted</th>
                  <th scope="col" className="py-2 pr-3">Student</th>
                  <th scope="col" className="py-2 pr-3">Kind</th>
                  <th scope="col" className="py-2 pr-3">Status</th>
                  <th scope="col" className="py-2 pr-3 text-right">Public</th>
                  <th scope="col" className="py-2 pr-3 text-right">Private</th>
                  <th scope="col" className="py-2 pr-3">Moderation</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => (
                  <tr key={row.id} className={row.disqualifiedAt ? "bg-red-50/50" : undefined}>
                    <td className="py-2 pr-3 whitespace-nowrap">
                      <Link href={`/c/${competition.slug}/submissions/${row.id}`} className="text-indigo-700 underline">
                        <LocalTime value={row.createdAt.toISOString()} style="short" />
                      </Link>
                      {row.isLate && (
                        <span className="ml-1">
                          <Pill tone="amber">late</Pill>
                        </span>
                      )}
                    </td>
                    <td className="py-2 pr-3">
                      {row.user.name}
                      {row.isBaseline && (
                        <span className="ml-1">
                          <Pill tone="amber">baseline</Pill>
                        </span>
                      )}
                      <span className="block text-xs text-slate-600">{row.user.email}</span>
                    </td>
                    <td className="py-2 pr-3">
                      {kindShortLabel(row.kind)}
                      {row.format ? <span className="text-slate-600"> · {row.format}</span> : null}
                    </td>
                    <td className="py-2 pr-3">
                      <StatusBadge status={row.status} disqualified={Boolean(row.disqualifiedAt)} />
                      {row.selectedForFinal && (
                        <span className="ml-1">
                          <Pill tone="indigo">final</Pill>
                        </span>
                      )}
                      {row.disqualifiedReason && <span className="block max-w-56 text-xs text-red-800">{row.disqualifiedReason}</span>}
                      {row.status === "FAILED" && row.failureReason && (
                        <span className="block max-w-56 truncate text-xs text-slate-600" title={row.failureReason}>
                          {row.failureReason}
                        </span>
                      )}
                    </td>
                    <td className="py-2 pr-3 text-right font-mono tabular-nums">{formatScore(row.score?.publicScore)}</td>
                    <td className="py-2 pr-3 text-right font-mono tabular-nums">{formatScore(row.score?.privateScore)}</td>
                    <td className="py-2 pr-3">
                      {isInstructor && (
                        <DisqualifyControl
                          owner={row.user.name}
                          disqualifiedReason={row.disqualifiedReason}
                          disqualifyAction={disqualifyAction.bind(null, row.id)}
                          reinstateAction={reinstateAction.bind(null, row.id)}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {total > PAGE_SIZE && (
          <nav aria-label="Pages" className="mt-4 flex gap-3 text-sm">
            {page > 1 && (
              <Link href={`${base}?${new URLSearchParams({ ...(status ? { status } : {}), page: String(page - 1) })}`} className="text-indigo-700 underline">
                ← Newer
              </Link>
            )}
            <span className="text-slate-600">
              Page {page} of {Math.ceil(total / PAGE_SIZE)}
            </span>
            {page * PAGE_SIZE < total && (
              <Link href={`${base}?${new URLSearchParams({ ...(status ? { status } : {}), page: String(page + 1) })}`} className="text-indigo-700 underline">
                Older →
              </Link>
            )}
          </nav>
        )}
      </Card>
    </div>
  );
}
