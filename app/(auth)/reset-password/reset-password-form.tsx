"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Alert, buttonClass, Card, Field, inputClass } from "@/components/ui/form";
import { useIsClient } from "@/components/use-client";
import { completePasswordResetAction } from "./actions";

export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const isClient = useIsClient();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("confirm") ?? "")) return setError("The two passwords differ. Type the same new password twice.");
    setPending(true);
    setError(undefined);
    const result = await completePasswordResetAction(token, password);
    if (!result.ok) {
      setPending(false);
      setError(result.error);
      return;
    }
    await signIn("credentials", { email: result.data.email, password, redirect: false });
    window.location.assign("/courses");
  }

  return (
    <Card>
      <form onSubmit={onSubmit} className="space-y-4" noValidate data-ready={isClient ? "true" : undefined}>
        {error && <Alert>{error}</Alert>}
        <input type="hidden" name="username" value={email} autoComplete="username" />
        <Field id="password" label="New password" hint="At least 8 characters.">
          <input id="password" name="password" type="password" required minLength={8} autoComplete="new-password" className={inputClass} />
        </Field>
        <Field id="confirm" label="New password again">
          <input id="confirm" name="confirm" type="password" required minLength={8} autoComplete="new-password" className={inputClass} />
        </Field>
        <button type="submit" disabled={pending || !isClient} className={`${buttonClass} w-full`}>
          {pending ? "Saving…" : "Set my new password"}
        </button>
      </form>
    </Card>
  );
}
