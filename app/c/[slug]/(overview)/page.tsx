import Link from "next/link";
import { headers } from "next/headers";
import { Countdown } from "@/components/countdown";
import { CopyBlock } from "@/components/copy-block";
import { FinalSelectionTable, type OwnSubmissionRow } from "@/components/competition/final-selection";
import { ScoreHistoryChart } from "@/components/competition/score-history";
import { LateRules } from "@/components/competition/late-rules";
import { TeamPanel } from "@/components/competition/team-panel";
import { LocalTime } from "@/components/local-time";
import { Markdown } from "@/components/markdown";
import { Alert, buttonClass, Card } from "@/components/ui/form";
import { DATASETS, isDatasetName } from "@/lib/datasets/registry";
import { starterFiles } from "@/lib/baselines/starter";
import { BUILT_IN_DATASETS } from "@/lib/competitions/defaults";
import { resourceLimitsOf, trainingBudgetOf } from "@/lib/competitions/schema";
import { db } from "@/lib/db";
import { submissionAdmission } from "@/lib/submissions/admission";
import { deadlineFor, lateLabel, latePeriodSteps } from "@/lib/submissions/late";
import { teamOf, teamWindow } from "@/lib/teams/teams";
import { ownSubmissions } from "@/lib/submissions/queries";
import { baselineLines, ownScoreHistory } from "@/lib/submissions/score-history";
import { notebookSnippet } from "@/lib/tokens/notebook-snippet";
import { isStudentPreview, jsonRecord, loadCompetition } from "@/web/view/competition";
import { env } from "@/lib/env";
import { formatBytes, formatCount, formatDuration, formatScore, formatSplit, plural } from "@/web/view/format";
import { createTeamAction, joinTeamAction, leaveTeamAction, selectFinalAction } from "@/app/c/[slug]/actions";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The address students should paste into a notebook: NEXTAUTH_URL when configured, else the
 * Host this page was asked for. Never X-Forwarded-Host: any client can send that header.
 */
async function siteUrl(): Promise<string> {
  const configured = env().NEXTAUTH_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const host = (await headers()).get("host");
  return host ? `http://${host}` : `http://localhost:${env().PORT}`;
}

function describeGrading(scheme: Record<string, unknown>): string | null {
  if (scheme.kind === "linear") {
    return `Points grow linearly from 0 at ${formatScore(Number(scheme.baseline))} to ${scheme.maxPoints} at ${formatScore(Number(scheme.target))} private accuracy.`;
  }
  if (scheme.kind === "thresholds" && Array.isArray(scheme.thresholds)) {
    const steps = (scheme.thresholds as Array<{ minScore: number; points: number }>)
      .slice()
      .sort((a, b) => a.minScore - b.minScore)
      .map((t) => `${formatScore(t.minScore)} → ${t.points} points`);
    return `Points by private accuracy: ${steps.join(", ")}.`;
  }
  return null;
}

export default async function CompetitionPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: SearchParams }) {
  const { slug } = await params;
  const preview = isStudentPreview(await searchParams);
  const loaded = await loadCompetition(slug);
  const { competition, isInstructor, phase, reveal, user } = loaded;
  const prisma = db();
  const [submissions, quota, team, testSet, baselines] = await Promise.all([
    ownSubmissions(prisma, competition.slug, user.id),
    // Who may submit now, and the limits: the same decision and messages as the API's.
    submissionAdmission(prisma, loaded, user.id),
    teamOf(prisma, competition.id, user.id),
    competition.testSetId ? prisma.testSet.findUnique({ where: { id: competition.testSetId }, select: { name: true, count: true, classNames: true, shape: true } }) : null,
    baselineLines(prisma, competition.id),
  ]);
  const scoreHistory = ownScoreHistory(submissions);
  const dataset = isDatasetName(competition.datasetId) ? DATASETS[competition.datasetId] : null;
  const datasetTitle = BUILT_IN_DATASETS[competition.datasetId as keyof typeof BUILT_IN_DATASETS]?.title ?? competition.datasetId;
  const budget = trainingBudgetOf(competition);
  const limits = resourceLimitsOf(competition);
  const grading = describeGrading(jsonRecord(competition.gradingScheme));
  const closed = phase === "closed";
  const asInstructor = isInstructor && !preview;
  const studentLike = !isInstructor || preview;
  const classNames = testSet?.classNames.length ? testSet.classNames : (dataset?.classNames ?? []);
  const testCount = testSet?.count ?? dataset?.counts.test ?? null;
  const publicCount = testCount === null ? null : Math.round(testCount * competition.publicFraction);

  const bestPublic = submissions.reduce<number | null>((best, row) => (row.status === "SCORED" && !row.disqualifiedReason && row.publicScore !== null && (best === null || row.publicScore > best) ? row.publicScore : best), null);
  const rows: OwnSubmissionRow[] = submissions.map((row) => ({
    id: row.id,
    kind: row.kind,
    format: row.format,
    status: row.status,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
    selectedForFinal: row.selectedForFinal,
    disqualifiedReason: row.disqualifiedReason,
    failureReason: row.failureReason,
    publicScore: row.publicScore,
    privateScore: row.privateScore,
    isBest: bestPublic !== null && row.publicScore === bestPublic && row.status === "SCORED" && !row.disqualifiedReason,
    lateLabel: row.isLate ? lateLabel(row.latePenalty) : null,
    submittedBy: team ? row.submittedBy.name : null,
  }));
  const submitHref = `/c/${competition.slug}/submit${preview ? "?preview=student" : ""}`;
  const teams = teamWindow(competition);
  // The reference baselines' definitions, to start from (lib/baselines: the same ones the worker trains).
  const starters = starterFiles({ ...competition, testSet });

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      {preview && isInstructor && (
        <div className="lg:col-span-3">
          <Alert kind="info">You are previewing this page as a student sees it. Instructor controls are hidden; your own submissions still count as baselines.</Alert>
        </div>
      )}
      <div className="min-w-0 space-y-6 lg:col-span-2">
        <Card>
          <h2 className="mb-3 text-lg font-semibold">About this competition</h2>
          {competition.description.trim() ? <Markdown source={competition.description} /> : <p className="text-slate-600">The instructor has not written a description yet.</p>}
        </Card>

        <Card>
          <h2 className="mb-3 text-lg font-semibold">Dataset</h2>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-slate-600">Training data</dt>
              <dd className="font-medium">{datasetTitle}{dataset ? ` · ${formatCount(dataset.counts.train)} images` : ""}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Image shape</dt>
              <dd className="font-medium">{dataset ? `${dataset.shape[0]} × ${dataset.shape[1]} × ${dataset.shape[2]} (${dataset.shape[2] === 1 ? "grayscale" : "colour"})` : "–"}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Hidden test set</dt>
              <dd className="font-medium">
                {testSet ? `${testSet.name} (the instructor's own)` : "the dataset's official test set"}
                {testCount !== null ? ` · ${formatCount(testCount)} images` : ""}
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">Public / private split</dt>
              <dd className="font-medium">
                {formatSplit(competition.publicFraction)}
                {publicCount !== null && testCount !== null ? ` (${formatCount(publicCount)} / ${formatCount(testCount - publicCount)} images)` : ""}
              </dd>
            </div>
            {classNames.length > 0 && (
              <div className="sm:col-span-2">
                <dt className="text-slate-600">Classes ({classNames.length})</dt>
                <dd className="mt-1 flex flex-wrap gap-1">
                  {classNames.map((name, index) => (
                    <span key={index} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">
                      {name === String(index) ? name : `${index}: ${name}`}
                    </span>
                  ))}
                </dd>
              </div>
            )}
          </dl>
        </Card>

        <Card>
          <h2 className="mb-3 text-lg font-semibold">Rules</h2>
          <ul className="list-disc space-y-1.5 pl-5 text-sm text-slate-800">
            <li>
              <strong>{plural(competition.dailyLimit, "submission")} per day</strong>; the count resets at 00:00 UTC. Failures caused by the platform do not count.
            </li>
            <li>
              Allowed: {competition.allowedKinds.map((kind) => (kind === "WEIGHTS" ? "trained models" : "architectures for Holdout to train")).join(" and ")}.
              {competition.allowedKinds.includes("DEFINITION") &&
                ` Holdout trains architectures for at most ${plural(budget.maxEpochs, "epoch")} and ${formatDuration(budget.maxSeconds)}, with up to ${formatCount(budget.maxParams)} parameters.`}
            </li>
            <li>
              Uploads up to {formatBytes(quota.maxUploadBytes)}; models up to {formatCount(limits.maxParams)} parameters.
            </li>
            <li>
              The public leaderboard scores {Math.round(competition.publicFraction * 100)} % of the test set while the competition runs; the other{" "}
              {100 - Math.round(competition.publicFraction * 100)} % decide the private leaderboard,{" "}
              {reveal.afterClose ? (
                <span data-testid="private-reveal">
                  revealed on <LocalTime value={reveal.at.toISOString()} />, after the late period and any extensions end (not at the close, so nobody still
                  uploading sees private results).
                </span>
              ) : (
                "shown after the close."
              )}
            </li>
            <li>
              Select up to {plural(competition.maxFinalSelections, "final submission")} for the private leaderboard; without a selection your best public ones count.
            </li>
            <li>
              <LateRules
                closesAt={competition.closesAt.toISOString()}
                extension={asInstructor || !quota.deadline.extension ? null : { ...quota.deadline.extension, closesAt: quota.deadline.extension.closesAt.toISOString() }}
                policy={quota.deadline.policy}
                steps={latePeriodSteps(asInstructor ? deadlineFor(competition) : quota.deadline).map((step) => ({ until: step.until.toISOString(), penalty: step.penalty }))}
              />
            </li>
            {teams.enabled && (
              <li>
                Teams of up to {competition.teamSizeLimit} may form until <LocalTime value={teams.deadline.toISOString()} />; a team shares one daily limit, one final selection and
                one grade.
              </li>
            )}
            {grading && <li>{grading}</li>}
          </ul>
        </Card>

        <Card>
          <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="text-lg font-semibold">{team ? `Your team's submissions` : "Your submissions"}</h2>
            {submissions.length > 0 && <span className="text-sm text-slate-600">{plural(submissions.length, "submission")} · best public {formatScore(bestPublic)}</span>}
          </div>
          {submissions.length === 0 ? (
            <div className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
              <p>{team ? "Your team has not submitted anything yet." : "You have not submitted anything yet."}</p>
              {phase === "open" && (
                <Link href={submitHref} className="mt-2 inline-block text-indigo-700 underline">
                  Make your first submission
                </Link>
              )}
            </div>
          ) : (
            <FinalSelectionTable slug={competition.slug} rows={rows} maxFinal={competition.maxFinalSelections} closed={closed} privateRevealed={reveal.revealed} preview={preview} selectAction={selectFinalAction} />
          )}
        </Card>

        {(scoreHistory.length > 0 || baselines.length > 0) && (
          <Card>
            <h2 className="mb-3 text-lg font-semibold">Your public score over time</h2>
            <ScoreHistoryChart points={scoreHistory} baselines={baselines} />
          </Card>
        )}
      </div>

      <div className="min-w-0 space-y-6">
        <Card>
          <h2 className="sr-only">Deadline</h2>
          <Countdown opensAt={competition.opensAt.toISOString()} closesAt={competition.closesAt.toISOString()} />
        </Card>

        {teams.enabled && studentLike && (
          <Card>
            <h2 className="mb-2 text-lg font-semibold">Team</h2>
            <TeamPanel
              team={team ? { name: team.name, inviteCode: team.inviteCode, members: team.members } : null}
              sizeLimit={teams.sizeLimit}
              deadline={teams.deadline.toISOString()}
              open={teams.open && !isInstructor}
              preview={preview}
              createTeam={createTeamAction.bind(null, competition.slug)}
              joinTeam={joinTeamAction.bind(null, competition.slug)}
              leaveTeam={leaveTeamAction.bind(null, competition.slug)}
            />
          </Card>
        )}

        <Card>
          <h2 className="mb-2 text-lg font-semibold">Submissions left today</h2>
          {asInstructor ? (
            <p className="text-sm text-slate-700">Instructors have no daily limit. Your submissions appear on the leaderboards as baselines and are never ranked.</p>
          ) : (
            <>
              <p className="text-3xl font-semibold tabular-nums" data-testid="submissions-left">
                {quota.left} <span className="text-base font-normal text-slate-600">of {competition.dailyLimit}{team ? ", shared by your team" : ""}</span>
              </p>
              <p className="mt-1 text-sm text-slate-600">
                The count resets <LocalTime value={quota.resetsAt.toISOString()} style="short" />.
              </p>
            </>
          )}
          <div className="mt-4">
            {quota.refusal && !asInstructor ? (
              <p className="text-sm text-slate-700">{quota.refusal.message}</p>
            ) : (
              <Link href={submitHref} className={`${buttonClass} w-full`}>
                Submit a model
              </Link>
            )}
          </div>
        </Card>

        <Card>
          <h2 className="mb-2 text-lg font-semibold">Submit from a notebook</h2>
          <p className="mb-3 text-sm text-slate-600">
            Create an API token on your <Link href="/account" className="text-indigo-700 underline">account page</Link>, then run this cell after <code>model.fit()</code>.
          </p>
          <CopyBlock id="notebook-snippet" label="Python cell" text={notebookSnippet({ baseUrl: await siteUrl(), slug: competition.slug })} />
        </Card>

        {starters.length > 0 && (
          <Card>
            <h2 className="mb-2 text-lg font-semibold">Starter files</h2>
            <p className="mb-3 text-sm text-slate-600">
              The lecture&apos;s reference models for this data. The Keras script trains one and saves <code>model.keras</code> to upload; the JSON is its architecture
              (<code>model.to_json()</code>), which you can also submit as a definition for Holdout to train.
            </p>
            <ul className="space-y-2 text-sm" data-testid="starter-files">
              {starters.map((file) => (
                <li key={file.baselineId}>
                  <span className="font-medium">{file.label}</span>: {file.description}.{" "}
                  <a href={`/api/v1/competitions/${competition.slug}/starter/${file.py}`} className="text-indigo-700 underline" download>
                    Keras script
                  </a>{" "}
                  ·{" "}
                  <a href={`/api/v1/competitions/${competition.slug}/starter/${file.json}`} className="text-indigo-700 underline" download>
                    Keras JSON
                  </a>
                </li>
              ))}
            </ul>
          </Card>
        )}

        {studentLike ? null : (
          <Card>
            <h2 className="mb-2 text-lg font-semibold">Instructor</h2>
            <ul className="space-y-1 text-sm">
              <li>
                <Link href={`/c/${competition.slug}/manage`} className="text-indigo-700 underline">
                  Edit settings
                </Link>
              </li>
              <li>
                <Link href={`/c/${competition.slug}/manage/submissions`} className="text-indigo-700 underline">
                  All submissions
                </Link>
              </li>
              <li>
                <Link href={`/c/${competition.slug}/manage/grades`} className="text-indigo-700 underline">
                  Grades
                </Link>
              </li>
              <li>
                <Link href={`/instructor/courses/${competition.courseId}/roster`} className="text-indigo-700 underline">
                  Course roster
                </Link>
              </li>
            </ul>
          </Card>
        )}
      </div>
    </div>
  );
}
