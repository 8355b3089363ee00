"use client";

import { useState } from "react";
import { Alert, buttonClass, Field, inputClass } from "@/components/ui/form";
import type { PasswordResetView } from "@/components/instructor/password-reset-button";
import { adminResetPasswordAction } from "./actions";

/** Site administrators: a one-time password reset link for any account, by email (handed out, or mailed when the site sends mail). */
export function AdminResetPasswordForm() {
  const [result, setResult] = useState<PasswordResetView>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "");
    setPending(true);
    setError(undefined);
    setResult(undefined);
    const answer = await adminResetPasswordAction({ email });
    setPending(false);
    if (!answer.ok) return setError(answer.error);
    setResult(answer.data);
  }
  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-3 sm:items-end">
        <div className="sm:col-span-2">
          <Field id="reset-email" label="Email of the account">
            <input id="reset-email" name="email" type="email" required className={inputClass} />
          </Field>
        </div>
        <button type="submit" className={buttonClass} disabled={pending}>
          {pending ? "Resetting…" : "Make a reset link"}
        </button>
      </form>
      {error && <Alert>{error}</Alert>}
      {result?.delivery === "mail" && <Alert kind="success">Reset link sent to {result.email}.</Alert>}
      {result?.delivery === "link" && (
        <Alert kind="success">
          <p className="mb-2">
            Hand this one-time link to {result.email} (it works once, for 24 hours; it is not shown again):
          </p>
          <input readOnly value={`${window.location.origin}${result.path}`} aria-label={`Password reset link for ${result.email}`} onFocus={(e) => e.currentTarget.select()} className={`${inputClass} font-mono text-xs`} data-testid="password-reset-link" />
        </Alert>
      )}
    </div>
  );
}
