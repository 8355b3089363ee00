"use client";

import { useState, useTransition } from "react";
import type { ActionResult } from "@/web/action-result";

/** What a reset action returns to the page: the link to hand out (no mail), or where it was mailed. */
export type PasswordResetView = { delivery: "mail"; email: string; expiresAt: string } | { delivery: "link"; email: string; path: string; expiresAt: string };

/**
 * Resets one account's password: shows the one-time link to hand out, or (when the site sends
 * mail) says where it was mailed. Asks first: the account's current password keeps working until
 * the link is used, but older reset links stop working.
 */
export function PasswordResetButton({ name, reset }: { name: string; reset: () => Promise<ActionResult<PasswordResetView>> }) {
  const [result, setResult] = useState<PasswordResetView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (result?.delivery === "mail") {
    return (
      <span role="status" className="text-sm text-slate-700" data-testid="password-reset-sent">
        Reset link sent to {result.email}
      </span>
    );
  }
  if (result?.delivery === "link") {
    return (
      <input
        readOnly
        value={`${window.location.origin}${result.path}`}
        aria-label={`Password reset link for ${name}`}
        onFocus={(e) => e.currentTarget.select()}
        className="w-64 rounded border border-slate-300 px-2 py-1 font-mono text-xs"
        data-testid="password-reset-link"
      />
    );
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={pending}
        className="rounded px-2 py-1 text-sm text-indigo-700 hover:bg-indigo-50"
        onClick={() => {
          if (!window.confirm(`Make a one-time password reset link for ${name}? Their older reset links stop working.`)) return;
          startTransition(async () => {
            setError(null);
            const answer = await reset();
            if (!answer.ok) return setError(answer.error);
            setResult(answer.data);
          });
        }}
      >
        {pending ? "Resetting…" : "Reset password"}
        <span className="sr-only"> of {name}</span>
      </button>
      {error && (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
