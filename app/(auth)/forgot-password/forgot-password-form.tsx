"use client";

import Link from "next/link";
import { useState } from "react";
import { Alert, buttonClass, Card, Field, inputClass } from "@/components/ui/form";
import { useIsClient } from "@/components/use-client";
import { requestPasswordResetAction } from "./actions";

export function ForgotPasswordForm() {
  const isClient = useIsClient();
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "");
    setPending(true);
    setError(undefined);
    const result = await requestPasswordResetAction(email);
    setPending(false);
    if (!result.ok) return setError(result.error);
    setSent(email);
  }

  if (sent) {
    return (
      <Card>
        <Alert kind="success">
          If {sent} belongs to an account, a reset link is on its way to it. Check your inbox (and spam folder) in a few minutes; nothing comes if the address has no account.
        </Alert>
        <p className="mt-4 text-sm">
          <Link href="/signin" className="text-indigo-700 underline">
            Back to sign in
          </Link>
        </p>
      </Card>
    );
  }
  return (
    <Card>
      <form onSubmit={onSubmit} className="space-y-4" noValidate data-ready={isClient ? "true" : undefined}>
        {error && <Alert>{error}</Alert>}
        <Field id="email" label="Email">
          <input id="email" name="email" type="email" autoComplete="email" required className={inputClass} />
        </Field>
        <button type="submit" disabled={pending || !isClient} className={`${buttonClass} w-full`}>
          {pending ? "Sending…" : "Mail me a reset link"}
        </button>
      </form>
    </Card>
  );
}
