"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { TrainingCurves } from "@/components/report/training-curves";
import { StatusBadge } from "@/components/ui/badge";
import type { EpochRecord } from "@/lib/evaluation/schemas";
import { formatDuration } from "@/web/view/format";

export interface LiveState {
  status: string;
  queuePosition: number | null;
  /** Seconds until a worker should start it (lib/queue/estimates.ts); null when unknown. */
  queueEtaSeconds?: number | null;
  failureReason: string | null;
  /** batch/batchesPerEpoch: inside the current epoch (epoch is then the one running). */
  progress: { phase: string | null; epoch: number | null; totalEpochs: number | null; fraction: number | null; etaSeconds: number | null; message: string | null; batch?: number | null; batchesPerEpoch?: number | null };
  curves: { epochs: EpochRecord[]; bestEpoch: number | null; overfitStartEpoch: number | null } | null;
}

const FINISHED = new Set(["SCORED", "FAILED", "CANCELLED"]);
const POLL_MS = 2000;

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown) => (typeof v === "string" ? v : null);

function epochsFrom(value: unknown): EpochRecord[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((e): e is Record<string, unknown> => Boolean(e) && typeof e === "object")
    .map((e) => ({ epoch: num(e.epoch) ?? 0, loss: num(e.loss) ?? Number.NaN, accuracy: num(e.accuracy), valLoss: num(e.valLoss), valAccuracy: num(e.valAccuracy), seconds: num(e.seconds) }))
    .filter((e) => e.epoch > 0);
}

/** Reads GET /api/v1/submissions/{id}: { submission: { status, progress, queuePosition, failureReason, curves? } } (curves, if it ever sends them). */
export function liveStateFrom(body: unknown, previous: LiveState): LiveState {
  const root = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const s = (root.submission && typeof root.submission === "object" ? root.submission : root) as Record<string, unknown>;
  const progress = (s.progress && typeof s.progress === "object" ? s.progress : {}) as Record<string, unknown>;
  const report = (s.report && typeof s.report === "object" ? s.report : {}) as Record<string, unknown>;
  const rawCurves = (report.curves ?? s.curves) as Record<string, unknown> | null | undefined;
  const epochs = rawCurves && typeof rawCurves === "object" ? epochsFrom(rawCurves.epochs) : [];
  return {
    status: str(s.status) ?? previous.status,
    queuePosition: num(s.queuePosition),
    queueEtaSeconds: num(s.queueEtaSeconds),
    failureReason: str(s.failureReason),
    progress: {
      phase: str(progress.phase),
      epoch: num(progress.epoch),
      totalEpochs: num(progress.totalEpochs),
      fraction: num(progress.fraction),
      etaSeconds: num(progress.etaSeconds),
      message: str(progress.message),
      batch: num(progress.batch),
      batchesPerEpoch: num(progress.batchesPerEpoch),
    },
    curves:
      epochs.length > 0
        ? { epochs, bestEpoch: num(rawCurves?.bestEpoch), overfitStartEpoch: num(rawCurves?.overfitStartEpoch) }
        : // The status answer may leave the curves out: keep the ones we have.
          previous.curves,
  };
}

function headline(state: LiveState): string {
  const { progress } = state;
  switch (state.status) {
    case "QUEUED":
      if (state.queuePosition === null) return "Queued: waiting for a worker.";
      return `Queued: position ${state.queuePosition} in the queue${typeof state.queueEtaSeconds === "number" ? `, starting in about ${formatDuration(state.queueEtaSeconds)}` : ""}.`;
    case "VALIDATING":
      return "Validating: loading your model and checking its shapes and size.";
    case "TRAINING":
      if (progress.batch != null && progress.batchesPerEpoch != null && progress.epoch !== null && progress.totalEpochs !== null)
        return `Training: epoch ${progress.epoch} of ${progress.totalEpochs}, batch ${progress.batch} of ${progress.batchesPerEpoch}.`;
      return progress.epoch !== null && progress.totalEpochs !== null ? `Training: epoch ${progress.epoch} of ${progress.totalEpochs} done.` : "Training: starting the first epoch.";
    case "SCORING":
      return "Scoring: predicting the hidden test set.";
    case "SCORED":
      return "Scored. Loading the report…";
    case "FAILED":
      return "Failed.";
    case "CANCELLED":
      return "Cancelled.";
    default:
      return state.status;
  }
}

const STEPS = ["QUEUED", "VALIDATING", "TRAINING", "SCORING", "SCORED"] as const;

/**
 * The submission's live status, polled every 2 s from the API while it is not finished (no page
 * reload). When it finishes, the server-rendered report replaces this panel (router.refresh()).
 */
export function LiveStatus({ submissionId, initial, hasTraining, canCancel = false }: { submissionId: string; initial: LiveState; hasTraining: boolean; canCancel?: boolean }) {
  const router = useRouter();
  const [state, setState] = useState<LiveState>(initial);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  async function cancel() {
    setCancelling(true);
    setCancelError(null);
    try {
      const response = await fetch(`/api/v1/submissions/${encodeURIComponent(submissionId)}/cancel`, { method: "POST" });
      const body = (await response.json().catch(() => ({}))) as { message?: string };
      if (!response.ok) setCancelError(body.message ?? "The submission could not be cancelled. Reload the page to see its status.");
      else {
        setState((previous) => ({ ...previous, status: "CANCELLED", queuePosition: null }));
        router.refresh();
      }
    } finally {
      setCancelling(false);
    }
  }
  const [stale, setStale] = useState(false);
  const stateRef = useRef(state);
  stateRef.current = state;

  useEffect(() => {
    if (FINISHED.has(initial.status)) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const controller = new AbortController();
    async function poll() {
      try {
        const response = await fetch(`/api/v1/submissions/${encodeURIComponent(submissionId)}`, { cache: "no-store", headers: { Accept: "application/json" }, signal: controller.signal });
        if (!response.ok) throw new Error(`status ${response.status}`);
        const next = liveStateFrom(await response.json(), stateRef.current);
        if (stopped) return;
        failures = 0;
        setStale(false);
        const statusChanged = next.status !== stateRef.current.status;
        setState(next);
        if (FINISHED.has(next.status)) {
          router.refresh();
          return;
        }
        // The page header's status badge is server-rendered: re-render it when the status moves
        // on (queued -> validating -> training -> scoring), so it never contradicts this panel.
        if (statusChanged) {
          router.refresh();
          timer = setTimeout(poll, POLL_MS);
          return;
        }
        // The status answer carries no curves: when a new epoch is done, re-render the page from
        // the server (a soft refresh, no reload), which reads the curve stored after each epoch.
        const shownEpoch = next.curves?.epochs[next.curves.epochs.length - 1]?.epoch ?? 0;
        // (With batch progress, `epoch` is the one running: the last finished one is before it.)
        const finishedEpoch = next.progress.epoch === null ? null : next.progress.batch != null ? next.progress.epoch - 1 : next.progress.epoch;
        if (next.status === "TRAINING" && finishedEpoch !== null && finishedEpoch > shownEpoch) router.refresh();
      } catch {
        if (stopped) return;
        failures++;
        if (failures >= 3) {
          setStale(true);
          // The status API did not answer: re-render the page from the server instead.
          router.refresh();
        }
      }
      timer = setTimeout(poll, failures > 3 ? POLL_MS * 3 : POLL_MS);
    }
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [submissionId, initial.status, router]);

  const { progress } = state;
  const activeStep = STEPS.indexOf(state.status as (typeof STEPS)[number]);
  const steps = STEPS.filter((step) => step !== "TRAINING" || hasTraining);
  const trainingFraction = state.status === "TRAINING" && progress.fraction !== null ? Math.max(0, Math.min(1, progress.fraction)) : null;

  return (
    <section aria-labelledby="live-status-heading" className="space-y-4 rounded-lg border border-indigo-200 bg-white p-6 shadow-sm" data-testid="live-status">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="live-status-heading" className="text-lg font-semibold">
          Status
        </h2>
        <StatusBadge status={state.status} />
        {!FINISHED.has(state.status) && (
          <span className="inline-flex items-center gap-1.5 text-xs text-slate-600">
            <span className="size-2 animate-pulse rounded-full bg-indigo-600" aria-hidden="true" /> live, updated every 2 seconds
          </span>
        )}
      </div>
      <ol className="flex flex-wrap gap-2 text-xs" aria-label="Steps">
        {steps.map((step) => {
          const index = STEPS.indexOf(step);
          const done = activeStep > index || state.status === "SCORED";
          const current = STEPS[activeStep] === step && state.status !== "SCORED";
          return (
            <li
              key={step}
              aria-current={current ? "step" : undefined}
              className={`rounded-full px-2.5 py-1 ${current ? "bg-indigo-600 font-medium text-white" : done ? "bg-indigo-100 text-indigo-900" : "bg-slate-100 text-slate-600"}`}
            >
              {done ? "✓ " : ""}
              {step.charAt(0) + step.slice(1).toLowerCase()}
            </li>
          );
        })}
      </ol>
      <div aria-live="polite" aria-atomic="true" role="status" className="space-y-1">
        <p className="font-medium text-slate-900">{headline(state)}</p>
        {progress.message && state.status !== "FAILED" && <p className="text-sm text-slate-700">{progress.message}</p>}
        {state.status === "TRAINING" && progress.etaSeconds !== null && <p className="text-sm text-slate-700">About {formatDuration(progress.etaSeconds)} left.</p>}
      </div>
      {trainingFraction !== null && (
        <div>
          <label htmlFor="training-progress" className="sr-only">
            Training progress
          </label>
          <progress id="training-progress" max={100} value={Math.round(trainingFraction * 100)} className="h-2 w-full overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:bg-violet-600" />
        </div>
      )}
      {canCancel && state.status === "QUEUED" && (
        <div className="flex flex-wrap items-center gap-3">
          <button type="button" onClick={cancel} disabled={cancelling} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60">
            {cancelling ? "Cancelling…" : "Cancel this submission"}
          </button>
          <span className="text-xs text-slate-600">Only while it waits in the queue; it then does not count against today&apos;s limit.</span>
        </div>
      )}
      {cancelError && (
        <p role="alert" className="text-sm text-red-800">
          {cancelError}
        </p>
      )}
      {state.status === "FAILED" && state.failureReason && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          {state.failureReason}
        </div>
      )}
      {state.curves && state.curves.epochs.length > 0 && (
        <TrainingCurves epochs={state.curves.epochs} bestEpoch={state.curves.bestEpoch} overfitStartEpoch={state.curves.overfitStartEpoch} totalEpochs={progress.totalEpochs} height={200} />
      )}
      {stale && <p className="text-xs text-slate-600">The live status is not answering; the page refreshes from the server instead.</p>}
    </section>
  );
}
