"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Alert, buttonClass, Card, Field, inputClass } from "@/components/ui/form";
import { useIsClient } from "@/components/use-client";
import { acceptClaimAction, claimAccountAction } from "./actions";

export function ClaimForm({ token, email, name }: { token: string; email: string; name: string }) {
  const isClient = useIsClient();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(undefined);
    const result = await claimAccountAction(token, { name: String(form.get("name") ?? ""), password });
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
        <Field id="email" label="Email">
          <input id="email" name="email" value={email} readOnly className={`${inputClass} bg-slate-50`} />
        </Field>
        <Field id="name" label="Full name">
          <input id="name" name="name" defaultValue={name} required autoComplete="name" className={inputClass} />
        </Field>
        <Field id="password" label="Password" hint="At least 8 characters.">
          <input id="password" name="password" type="password" required minLength={8} autoComplete="new-password" className={inputClass} />
        </Field>
        <button type="submit" disabled={pending || !isClient} className={`${buttonClass} w-full`}>
          {pending ? "Saving…" : "Set my password"}
        </button>
      </form>
    </Card>
  );
}

export function AcceptClaimButton({ token, courseName }: { token: string; courseName: string }) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-3">
      {error && <Alert>{error}</Alert>}
      <button
        type="button"
        disabled={pending}
        className={buttonClass}
        onClick={async () => {
          setPending(true);
          const result = await acceptClaimAction(token);
          if (!result.ok) {
            setPending(false);
            setError(result.error);
            return;
          }
          window.location.assign("/courses");
        }}
      >
        {pending ? "Joining…" : `Join ${courseName}`}
      </button>
    </div>
  );
}
