"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Alert, buttonClass, Field, inputClass } from "@/components/ui/form";
import { changePasswordAction } from "./actions";

export function ChangePasswordForm({ forced = false }: { forced?: boolean }) {
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setPending(true);
    const newPassword = String(form.get("newPassword"));
    const outcome = await changePasswordAction({ currentPassword: String(form.get("currentPassword")), newPassword });
    if (!outcome.ok) {
      setPending(false);
      setResult({ ok: false, text: outcome.error });
      return;
    }
    // The change signed out every session, this one too: sign in again with the new password.
    const again = await signIn("credentials", { email: outcome.data.email, password: newPassword, redirect: false });
    setPending(false);
    formElement.reset();
    if (!again || again.error) {
      setResult({ ok: true, text: "Password changed. Sign in again with your new password." });
      window.location.assign("/signin");
      return;
    }
    setResult({ ok: true, text: outcome.message ?? "Password changed." });
    // A forced change opens the rest of the site.
    if (forced) window.location.assign("/courses");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {result && <Alert kind={result.ok ? "success" : "error"}>{result.text}</Alert>}
      <Field id="currentPassword" label="Current password">
        <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required className={inputClass} />
      </Field>
      <Field id="newPassword" label="New password" hint="At least 8 characters.">
        <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" required minLength={8} className={inputClass} />
      </Field>
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Saving…" : "Change password"}
      </button>
    </form>
  );
}
