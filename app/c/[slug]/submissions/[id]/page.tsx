import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { ConfusionMatrix } from "@/components/report/confusion-matrix";
import { MisclassifiedGallery } from "@/components/report/misclassified-gallery";
import { ModelSummaryTable } from "@/components/report/model-summary";
import { PerClassBars } from "@/components/report/per-class-bars";
import { RobustnessPanel } from "@/components/report/robustness-panel";
import { TrainingCurves } from "@/components/report/training-curves";
import { ScoreInterval } from "@/components/competition/score-interval";
import { LiveStatus, type LiveState } from "@/components/submission/live-status";
import { Pill, StatusBadge } from "@/components/ui/badge";
import { lateLabel } from "@/lib/submissions/late";
import { Alert, Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { isStudentPreview } from "@/web/view/competition";
import { formatBytes, formatCount, formatDelta, formatNumber, formatPreprocessing, formatScore, kindLabel } from "@/web/view/format";
import { classNamesFor, parseConfusion, parseCurves, parseMetrics, parseMisclassified, parseProgress, parseSplitInfo, parseSummary, parseTrainingSettings } from "@/web/view/report";
import { loadSubmission } from "@/web/view/submission";

export const metadata: Metadata = { title: "Submission" };

const FINISHED = new Set(["SCORED", "FAILED", "CANCELLED"]);

export default async function SubmissionPage({ params, searchParams }: { params: Promise<{ slug: string; id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug, id } = await params;
  const preview = isStudentPreview(await searchParams);
  const submission = await loadSubmission(slug, id);
  const report = submission.report;
  const curves = parseCurves(report?.curves);
  const metrics = parseMetrics(report?.metrics);
  const privateMetrics = parseMetrics(report?.privateMetrics);
  const confusion = parseConfusion(report?.confusion) ?? metrics?.confusion ?? null;
  const summary = parseSummary(report?.summary);
  const misclassified = parseMisclassified(report?.misclassified);
  const splitInfo = parseSplitInfo(report?.splitInfo);
  const classCount = confusion?.length ?? metrics?.perClass.length ?? splitInfo.classNames.length;
  const classNames = classNamesFor(splitInfo, metrics, classCount);
  const settings = submission.kind === "DEFINITION" ? parseTrainingSettings(submission.trainingSettings) : null;
  const finished = FINISHED.has(submission.status);
  const progress = parseProgress(submission.progress);

  // The change against the owner's best earlier scored submission.
  let previousBest: { id: string; score: number } | null = null;
  if (submission.score) {
    const earlier = await db().submission.findMany({
      where: { competitionId: submission.competition.id, userId: submission.user.id, status: "SCORED", disqualifiedAt: null, createdAt: { lt: submission.createdAt }, score: { isNot: null } },
      select: { id: true, score: { select: { publicScore: true } } },
    });
    for (const row of earlier) {
      const score = row.score?.publicScore;
      if (score !== undefined && Number.isFinite(score) && (previousBest === null || score > previousBest.score)) previousBest = { id: row.id, score };
    }
  }
  const delta = submission.score && previousBest ? submission.score.public - previousBest.score : null;

  const live: LiveState = {
    status: submission.status,
    queuePosition: submission.queuePosition,
    queueEtaSeconds: submission.queueEtaSeconds,
    failureReason: submission.failureReason,
    progress,
    curves: curves ? { epochs: curves.epochs, bestEpoch: curves.bestEpoch, overfitStartEpoch: curves.overfitStartEpoch } : null,
  };
  const backHref = `/c/${submission.competition.slug}${preview ? "?preview=student" : ""}`;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <p className="text-sm">
            <Link href={backHref} className="text-indigo-700 underline">
              ← {submission.viewerIsStaff && !preview ? "Competition" : "Your submissions"}
            </Link>
          </p>
          <h2 className="flex flex-wrap items-center gap-3 text-xl font-semibold">
            Submission of <LocalTime value={submission.createdAt.toISOString()} />
            <span data-testid="header-status">
              <StatusBadge status={submission.status} disqualified={Boolean(submission.disqualifiedReason)} />
            </span>
            {submission.isBaseline && <Pill tone="amber">{submission.baselineLabel ? `baseline: ${submission.baselineLabel}` : "baseline"}</Pill>}
            {submission.selectedForFinal && <Pill tone="indigo">final selection</Pill>}
            {submission.isLate && (
              <span title="Uploaded after the deadline: this penalty, fixed at upload, comes off its grade." data-testid="late-mark">
                <Pill tone="amber">{lateLabel(submission.latePenalty)}</Pill>
              </span>
            )}
          </h2>
          <p className="text-sm text-slate-600">
            {submission.viewerIsStaff ? <>by {submission.user.name} · </> : null}
            {kindLabel(submission.kind)}
            {submission.format ? ` · ${submission.format}` : ""} · {formatPreprocessing(submission.preprocessing)}
          </p>
          {submission.note && <p className="text-sm text-slate-800">“{submission.note}”</p>}
        </div>
        {submission.status === "SCORED" && (
          <Link href={`/c/${submission.competition.slug}/compare?ids=${submission.id}`} className="rounded-md border border-indigo-300 bg-white px-3 py-1.5 text-sm font-medium text-indigo-800 hover:bg-indigo-50" data-testid="compare-with">
            Compare with…
          </Link>
        )}
      </div>

      {submission.disqualifiedReason && (
        <Alert>
          This submission was disqualified by an instructor: {submission.disqualifiedReason}. It does not count on the leaderboards or for grading.
        </Alert>
      )}

      {!finished && <LiveStatus key={`${submission.status}-${progress.epoch ?? ""}`} submissionId={submission.id} initial={live} hasTraining={submission.kind === "DEFINITION"} canCancel={!submission.viewerIsStaff && submission.viewerIsOwner} />}

      {submission.status === "FAILED" && (
        <section role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6">
          <h2 className="text-lg font-semibold text-red-900">The evaluation failed</h2>
          <p className="mt-2 whitespace-pre-wrap text-red-900">{submission.failureReason ?? "No reason was recorded."}</p>
          <p className="mt-2 text-sm text-red-800">
            {submission.failureSource === "PLATFORM"
              ? "This was a problem on Holdout's side: it does not count against your daily limit. Submit the same files again."
              : "This counts as one of today's submissions. Fix the problem above and submit again."}
          </p>
        </section>
      )}
      {submission.status === "CANCELLED" && <Alert kind="info">This submission was cancelled and was not scored. It does not count against your daily limit.</Alert>}

      {submission.score?.ladder && (
        <p className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700" data-testid="ladder-explanation">
          {submission.score.ladder.text}
        </p>
      )}
      {submission.score && (
        <section aria-labelledby="scores-heading" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <h2 id="scores-heading" className="sr-only">
            Scores
          </h2>
          <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <p className="text-sm text-slate-600">Public score ({submission.score.metric})</p>
            <p className="text-3xl font-semibold tabular-nums" data-testid="public-score">
              {formatScore(submission.score.public)}
            </p>
            <ScoreInterval interval={submission.score.publicInterval} />
            <p className="text-xs text-slate-600">loss {formatNumber(submission.score.publicLoss)}</p>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <p className="text-sm text-slate-600">Private score</p>
            {submission.score.private !== null ? (
              <>
                <p className="text-3xl font-semibold tabular-nums">{formatScore(submission.score.private)}</p>
                <ScoreInterval interval={submission.score.privateInterval} />
                <p className="text-xs text-slate-600">{submission.competition.privateRevealed ? "final" : "visible to instructors only until students see private results"}</p>
              </>
            ) : (
              <>
                <p className="text-xl font-semibold text-slate-500">Hidden</p>
                <p className="text-xs text-slate-600">
                  Revealed <LocalTime value={submission.competition.privateRevealAt.toISOString()} style="short" />
                  {submission.competition.privateRevealAt > submission.competition.closesAt ? ", after the late period and any extensions end." : ", at the close."}
                </p>
              </>
            )}
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <p className="text-sm text-slate-600">Change against {submission.viewerIsStaff && !preview ? "the student's" : "your"} previous best</p>
            {delta === null ? (
              <p className="text-base font-medium text-slate-800">{previousBest ? "–" : "The first scored submission."}</p>
            ) : (
              <>
                <p className={`text-2xl font-semibold tabular-nums ${delta > 0 ? "text-green-800" : delta < 0 ? "text-red-800" : "text-slate-800"}`} data-testid="delta">
                  <span aria-hidden="true">{delta > 0 ? "▲ " : delta < 0 ? "▼ " : ""}</span>
                  {formatDelta(delta)}
                </p>
                <p className="text-xs text-slate-600">
                  previous best{" "}
                  <Link href={`/c/${submission.competition.slug}/submissions/${previousBest!.id}${preview ? "?preview=student" : ""}`} className="underline">
                    {formatScore(previousBest!.score)}
                  </Link>
                </p>
              </>
            )}
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <p className="text-sm text-slate-600">Speed</p>
            <p className="text-2xl font-semibold tabular-nums">{report?.examplesPerSecond ? `${formatCount(report.examplesPerSecond)}/s` : "–"}</p>
            <p className="text-xs text-slate-600">
              images per second{report?.backend ? ` on ${report.backend}` : ""}
              {metrics?.ece !== null && metrics?.ece !== undefined ? ` · calibration error (ECE) ${formatNumber(metrics.ece, 3)}` : ""}
            </p>
            {splitInfo.engineText && <p className="text-xs text-slate-600">{splitInfo.engineText}</p>}
            {splitInfo.trainingText && <p className="text-xs text-slate-600">{splitInfo.trainingText}</p>}
          </div>
        </section>
      )}

      {privateMetrics && submission.score?.private !== null && submission.viewerIsStaff && !submission.competition.privateRevealed && (
        <p className="text-sm text-slate-600">Instructor view: private split accuracy {formatScore(privateMetrics.accuracy)} on {formatCount(privateMetrics.examples)} images.</p>
      )}

      {splitInfo.warnings.length > 0 && (
        <Alert kind="info">
          <p className="font-medium">Warnings about this model</p>
          <ul className="mt-1 list-disc pl-5">
            {splitInfo.warnings.map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </Alert>
      )}

      {finished && curves && (
        <Card>
          <h2 className="mb-1 text-lg font-semibold">Overtraining curves</h2>
          <p className="mb-3 text-sm text-slate-600">
            {curves.source === "history" ? "From the training history you uploaded." : "Recorded while Holdout trained your architecture."}
            {curves.stopReason ? ` Training stopped: ${curves.stopReason}.` : ""}
          </p>
          {report?.curves?.scoredEpoch ? (
            <p className="mb-1 text-sm text-slate-700" data-testid="scored-epoch">
              {report.curves.restoredBestWeights
                ? `Scored with the weights of epoch ${report.curves.scoredEpoch}, the one with the lowest validation loss: early stopping restored them (training ran to epoch ${report.curves.epochs.at(-1)?.epoch ?? "?"}).`
                : `Scored with the weights of epoch ${report.curves.scoredEpoch}, the last one trained.`}
            </p>
          ) : null}
          {report?.curves?.augmentation && (
            <p className="mb-3 text-sm text-slate-700" data-testid="augmentation-applied">
              Augmentation applied while training: {report.curves.augmentation.length ? report.curves.augmentation.join("; ") : "none"}.
            </p>
          )}
          <TrainingCurves epochs={curves.epochs} bestEpoch={curves.bestEpoch} overfitStartEpoch={curves.overfitStartEpoch} generalizationGap={curves.generalizationGap} />
        </Card>
      )}
      {finished && !curves && submission.status === "SCORED" && (
        <Card>
          <h2 className="mb-1 text-lg font-semibold">Overtraining curves</h2>
          <p className="text-sm text-slate-600">No training history. Upload your Keras history (history.json from history.history, or a CSVLogger .csv) next time, and the curves appear here.</p>
        </Card>
      )}

      {(confusion || (metrics && metrics.perClass.length > 0)) && (
        <div className="grid gap-6 lg:grid-cols-5">
          {confusion && (
            <Card className="min-w-0 lg:col-span-3">
              <h2 className="mb-3 text-lg font-semibold">Confusion matrix</h2>
              <ConfusionMatrix matrix={confusion} classNames={classNames} />
            </Card>
          )}
          {metrics && metrics.perClass.length > 0 && (
            <Card className={`min-w-0 ${confusion ? "lg:col-span-2" : "lg:col-span-5"}`}>
              <h2 className="mb-3 text-lg font-semibold">Accuracy per class</h2>
              <PerClassBars perClass={metrics.perClass.map((c, i) => ({ ...c, label: classNames[i] ?? c.label }))} />
            </Card>
          )}
        </div>
      )}

      {submission.status === "SCORED" && report?.robustness && (
        <Card>
          <h2 className="mb-1 text-lg font-semibold">Robustness: shifted, rotated and noisy images</h2>
          <RobustnessPanel robustness={report.robustness} />
        </Card>
      )}

      {summary && (
        <Card>
          <h2 className="mb-3 text-lg font-semibold">Model summary</h2>
          <ModelSummaryTable summary={summary} />
        </Card>
      )}

      {submission.status === "SCORED" && (
        <Card>
          <h2 className="mb-1 text-lg font-semibold">Misclassified public images</h2>
          {misclassified.length > 0 ? (
            <>
              <p className="mb-3 text-sm text-slate-600">Images from the public split that the model got wrong: ✗ what it predicted (with its confidence), ✓ the true class.</p>
              <MisclassifiedGallery submissionId={submission.id} examples={misclassified} classNames={classNames} />
            </>
          ) : (
            <p className="text-sm text-slate-600">None to show.</p>
          )}
        </Card>
      )}

      {(settings || submission.files.length > 0) && (
        <Card>
          <h2 className="mb-3 text-lg font-semibold">What was submitted</h2>
          <div className="grid gap-6 md:grid-cols-2">
            {submission.files.length > 0 && (
              <ul className="space-y-1 text-sm">
                {submission.files.map((file) => (
                  <li key={file.name}>
                    <span className="font-mono">{file.name}</span> <span className="text-slate-600">· {file.role} · {formatBytes(file.size)}</span>
                  </li>
                ))}
              </ul>
            )}
            {settings && (
              <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
                <dt className="text-slate-600">Optimizer</dt>
                <dd>{settings.optimizer ?? "–"}</dd>
                <dt className="text-slate-600">Learning rate</dt>
                <dd>{settings.learningRate ?? "–"}</dd>
                <dt className="text-slate-600">Batch size</dt>
                <dd>{settings.batchSize ?? "–"}</dd>
                <dt className="text-slate-600">Epochs</dt>
                <dd>{settings.epochs ?? "–"}</dd>
                <dt className="text-slate-600">Validation split</dt>
                <dd>{settings.validationSplit ?? "–"}</dd>
                <dt className="text-slate-600">Early stopping</dt>
                <dd>{settings.earlyStoppingPatience ? `patience ${settings.earlyStoppingPatience}` : "off"}</dd>
                <dt className="text-slate-600">Augmentation</dt>
                <dd>{settings.augmentation.length ? settings.augmentation.join(", ") : "none"}</dd>
              </dl>
            )}
          </div>
        </Card>
      )}
    </div>
  );
}
