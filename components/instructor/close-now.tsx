"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/form";
import type { ActionResult } from "@/web/action-result";

/** "Close now", with a confirmation step in the page (not a browser dialog), for an open or upcoming competition. */
export function CloseNowButton({ title, closeNow }: { title: string; closeNow: () => Promise<ActionResult<{ closesAt: string }>> }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  async function confirm() {
    setPending(true);
    const result = await closeNow();
    setPending(false);
    if (result.ok) {
      setConfirming(false);
      router.refresh();
    } else setError(result.error);
  }
  return (
    <div className="space-y-2">
      {!confirming ? (
        <button type="button" onClick={() => setConfirming(true)} className="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50">
          Close now
        </button>
      ) : (
        <div role="alertdialog" aria-label="Confirm closing" className="space-y-2 rounded-md border border-red-300 bg-red-50 p-3 text-sm">
          <p>
            Close <strong>{title}</strong> now? It takes no more submissions from this moment, and students see the private leaderboard. Submissions already
            queued are still scored. This cannot be undone by reopening; you would have to set a new close time.
          </p>
          <div className="flex gap-2">
            <button type="button" disabled={pending} onClick={confirm} className="rounded-md bg-red-700 px-3 py-1.5 font-medium text-white hover:bg-red-800">
              {pending ? "Closing…" : "Yes, close it now"}
            </button>
            <button type="button" onClick={() => setConfirming(false)} className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-white">
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && <Alert kind="error">{error}</Alert>}
    </div>
  );
}
