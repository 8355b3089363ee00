"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { Alert, buttonClass, inputClass } from "@/components/ui/form";
import { useIsClient } from "@/components/use-client";
import type { ActionResult } from "@/web/action-result";

/** Requeues every submission's evaluation (after a split or test-set change), after a confirmation. */
export function RescoreAllButton({ total, rescoreAction }: { total: number; rescoreAction: () => Promise<ActionResult<{ enqueued: number; alreadyQueued: number; total: number }>> }) {
  const router = useRouter();
  const isClient = useIsClient();
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-2" data-ready={isClient ? "true" : undefined}>
      {confirming ? (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span>Re-evaluate all {total} submissions? They leave the leaderboards until scored again.</span>
          <button
            type="button"
            autoFocus
            disabled={pending}
            className={buttonClass}
            onClick={() =>
              startTransition(async () => {
                const result = await rescoreAction();
                setConfirming(false);
                if (result.ok) {
                  setMessage({ ok: true, text: `Queued ${result.data.enqueued} submission${result.data.enqueued === 1 ? "" : "s"} for rescoring${result.data.alreadyQueued ? ` (${result.data.alreadyQueued} were already waiting)` : ""}.` });
                  router.refresh();
                } else setMessage({ ok: false, text: result.error });
              })
            }
          >
            {pending ? "Queuing…" : "Yes, rescore all"}
          </button>
          <button type="button" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className={buttonClass} disabled={total === 0} onClick={() => setConfirming(true)}>
          Rescore all
        </button>
      )}
      <div aria-live="polite">{message && <Alert kind={message.ok ? "success" : "error"}>{message.text}</Alert>}</div>
    </div>
  );
}

/** Disqualify with a reason (the student sees it), or reinstate. The lib function audits both. */
export function DisqualifyControl({
  owner,
  disqualifiedReason,
  disqualifyAction,
  reinstateAction,
}: {
  owner: string;
  disqualifiedReason: string | null;
  disqualifyAction: (reason: string) => Promise<ActionResult<null>>;
  reinstateAction: () => Promise<ActionResult<null>>;
}) {
  const router = useRouter();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  if (disqualifiedReason) {
    return (
      <span className="inline-flex flex-wrap items-center gap-2">
        <button
          type="button"
          disabled={pending}
          className="rounded px-2 py-1 text-sm text-indigo-700 underline hover:bg-indigo-50"
          onClick={() =>
            startTransition(async () => {
              const result = await reinstateAction();
              if (result.ok) router.refresh();
              else setError(result.error);
            })
          }
        >
          {pending ? "Reinstating…" : "Reinstate"}
          <span className="sr-only"> the submission of {owner}</span>
        </button>
        {error && (
          <span role="alert" className="text-sm text-red-700">
            {error}
          </span>
        )}
      </span>
    );
  }
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded px-2 py-1 text-sm text-red-700 hover:bg-red-50">
        Disqualify<span className="sr-only"> the submission of {owner}</span>
      </button>
    );
  }
  return (
    <form
      className="flex flex-wrap items-start gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const result = await disqualifyAction(reason);
          if (result.ok) {
            setOpen(false);
            router.refresh();
          } else setError(result.error);
        });
      }}
    >
      <div>
        <label htmlFor={`${id}-reason`} className="sr-only">
          Reason for disqualifying the submission of {owner} (the student sees it)
        </label>
        <input
          id={`${id}-reason`}
          autoFocus
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="Reason (the student sees it)"
          maxLength={500}
          className={`${inputClass} w-56 py-1`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        {error && (
          <p id={`${id}-error`} role="alert" className="mt-1 max-w-56 text-xs text-red-700">
            {error}
          </p>
        )}
      </div>
      <button type="submit" disabled={pending} className="rounded bg-red-700 px-2 py-1 text-sm font-medium text-white hover:bg-red-800">
        {pending ? "…" : "Disqualify"}
      </button>
      <button type="button" onClick={() => setOpen(false)} className="rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100">
        Cancel
      </button>
    </form>
  );
}
