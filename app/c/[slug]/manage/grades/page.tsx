import type { Metadata } from "next";
import Link from "next/link";
import { Alert, Card, secondaryButtonClass } from "@/components/ui/form";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { gradeTable, type GradeRow } from "@/lib/grading";
import { lateLabel } from "@/lib/submissions/late";
import { loadCompetitionAsStaff } from "@/web/view/competition";
import { formatScore } from "@/web/view/format";

export const metadata: Metadata = { title: "Grades" };

export default async function GradesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { competition, phase } = await loadCompetitionAsStaff((await params).slug);
  let rows: GradeRow[] = [];
  let problem: string | null = null;
  try {
    rows = await gradeTable(db(), competition.id);
  } catch (error) {
    if (!isAppError(error)) throw error;
    problem = error.message;
  }
  const graded = rows.filter((row) => row.gradedSubmissionId !== null);
  const average = graded.length ? graded.reduce((sum, row) => sum + row.points, 0) / graded.length : null;
  const api = `/api/v1/competitions/${competition.slug}`;

  return (
    <div className="space-y-6">
      <Card>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h2 className="text-lg font-semibold">Grades</h2>
            <p className="text-sm text-slate-600">
              From the private leaderboard: each student&apos;s final selections (or best public submissions), after the grading scheme and late policy. The best private score is over all their submissions, for reference; the final one ranks them. The LMS files identify students by their roster student number (and email where there is none).
              {phase !== "closed" && " The competition is still open: these grades are provisional."}
            </p>
            {average !== null && (
              <p className="mt-1 text-sm text-slate-700">
                {graded.length} of {rows.length} students graded · average {average.toFixed(2)} points.
              </p>
            )}
          </div>
          <div className="flex flex-wrap gap-2">
            <a href={`${api}/grades.csv`} className={secondaryButtonClass} download>
              Grades CSV (for the LMS)
            </a>
            <a href={`${api}/grades.csv?format=canvas`} className={secondaryButtonClass} download>
              Canvas import CSV
            </a>
            <a href={`${api}/grades.csv?format=moodle`} className={secondaryButtonClass} download>
              Moodle import CSV
            </a>
            <a href={`${api}/leaderboard.csv`} className={secondaryButtonClass} download title={phase === "closed" ? "The private (final) board" : "The public board"}>
              Leaderboard CSV ({phase === "closed" ? "private" : "public"})
            </a>
            {phase === "closed" && (
              <a href={`${api}/leaderboard.csv?board=public`} className={secondaryButtonClass} download>
                Public board CSV
              </a>
            )}
          </div>
        </div>
      </Card>
      {problem && (
        <Alert>
          {problem}{" "}
          <Link href={`/c/${competition.slug}/manage`} className="underline">
            Open the settings
          </Link>
          .
        </Alert>
      )}
      {!problem && (
        <Card>
          {rows.length === 0 ? (
            <p className="text-sm text-slate-600">No students in the course yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="min-w-full text-sm" data-testid="grades">
                <caption className="sr-only">Grades per student</caption>
                <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="py-2 pr-3">Student</th>
                    <th scope="col" className="py-2 pr-3">Student id</th>
                    <th scope="col" className="py-2 pr-3 text-right">Final private score</th>
                    <th scope="col" className="py-2 pr-3 text-right">Best private score</th>
                    <th scope="col" className="py-2 pr-3 text-right">Rank</th>
                    <th scope="col" className="py-2 pr-3 text-right">Late</th>
                    <th scope="col" className="py-2 pr-3 text-right">Points</th>
                    <th scope="col" className="py-2 pr-3">Notes</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.map((row) => (
                    <tr key={row.userId}>
                      <th scope="row" className="py-2 pr-3 text-left font-medium">
                        {row.name}
                        <span className="block text-xs font-normal text-slate-600">
                          {row.email}
                          {row.teamName ? ` · team ${row.teamName}` : ""}
                        </span>
                      </th>
                      <td className="py-2 pr-3">{row.studentNumber ?? "–"}</td>
                      <td className="py-2 pr-3 text-right font-mono tabular-nums">
                        {row.gradedSubmissionId ? (
                          <Link href={`/c/${competition.slug}/submissions/${row.gradedSubmissionId}`} className="text-indigo-700 underline">
                            {formatScore(row.finalPrivateScore)}
                          </Link>
                        ) : (
                          formatScore(row.finalPrivateScore)
                        )}
                      </td>
                      <td className="py-2 pr-3 text-right font-mono tabular-nums">{formatScore(row.bestPrivateScore)}</td>
                      <td className="py-2 pr-3 text-right tabular-nums">{row.privateRank ?? "–"}</td>
                      <td className="py-2 pr-3 text-right tabular-nums">{row.latePenalty > 0 ? lateLabel(row.latePenalty) : row.lateDays ? `${row.lateDays} d` : "–"}</td>
                      <td className="py-2 pr-3 text-right font-mono font-semibold tabular-nums">{row.points.toFixed(2)}</td>
                      <td className="max-w-md py-2 pr-3 text-xs text-slate-700">{row.note ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      )}
    </div>
  );
}
