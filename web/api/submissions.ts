import type { SubmissionView } from "@/lib/submissions/queries";

export const FINISHED_STATUSES = ["SCORED", "FAILED", "CANCELLED"] as const;

export function isFinished(status: string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}

/** The site's page of a submission (app/c/[slug]/submissions/[id]). */
export function submissionPageUrl(baseUrl: string, slug: string, id: string): string {
  return `${baseUrl}/c/${encodeURIComponent(slug)}/submissions/${encodeURIComponent(id)}`;
}

/** The status view of a submission (docs/api.md, "Submission status"): what a poller needs, no report. */
export function submissionStatusJson(view: SubmissionView, baseUrl: string) {
  return {
    id: view.id,
    competition: { slug: view.competition.slug, title: view.competition.title, closed: view.competition.closed, privateRevealAt: view.competition.privateRevealAt },
    kind: view.kind.toLowerCase(),
    format: view.format,
    note: view.note,
    status: view.status,
    progress: view.progress,
    queuePosition: view.queuePosition,
    /** Seconds until a worker should start it (its lane's backlog over measured job times); null when not queued or no worker runs. */
    queueEtaSeconds: view.queueEtaSeconds,
    failureReason: view.failureReason,
    failureSource: view.failureSource,
    disqualifiedReason: view.disqualifiedReason,
    selectedForFinal: view.selectedForFinal,
    /** Uploaded after the submitter's deadline; latePenalty is the fraction of the grade taken off (fixed at upload), null when on time. */
    isLate: view.isLate,
    latePenalty: view.latePenalty,
    createdAt: view.createdAt,
    startedAt: view.startedAt,
    finishedAt: view.finishedAt,
    /** private and privateLoss stay null until competition.privateRevealAt (the close, or the end of the late period and extensions; staff: always shown). */
    score: view.score,
    /** Per-epoch curves (definition track while training, or the uploaded history), so a live view can draw them. */
    curves: view.report?.curves ?? null,
    url: `${baseUrl}/api/v1/submissions/${view.id}`,
    reportUrl: `${baseUrl}/api/v1/submissions/${view.id}/report`,
    pageUrl: submissionPageUrl(baseUrl, view.competition.slug, view.id),
  };
}
