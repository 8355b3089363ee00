"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Alert, buttonClass, Card, Field, inputClass, secondaryButtonClass } from "@/components/ui/form";

export function SignInForm({ initialError, callbackUrl, providers }: { initialError?: string; callbackUrl: string; providers: Array<{ id: string; name: string }> }) {
  const [error, setError] = useState(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const result = await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirect: false });
    setPending(false);
    if (!result || result.error) {
      setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "That email and password do not match an account. Check both and try again.");
      return;
    }
    // The page passes a same-origin path only (safeRedirectPath); checked again in case of misuse.
    window.location.assign(/^\/(?![/\\])/.test(callbackUrl) ? callbackUrl : "/courses");
  }

  return (
    <Card>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {error && <Alert>{error}</Alert>}
        <Field id="email" label="Email">
          <input id="email" name="email" type="email" autoComplete="email" required className={inputClass} />
        </Field>
        <Field id="password" label="Password">
          <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClass} />
        </Field>
        <button type="submit" disabled={pending} className={`${buttonClass} w-full`}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {providers.length > 0 && (
        <div className="mt-4 space-y-2 border-t border-slate-200 pt-4">
          {providers.map((provider) => (
            <button key={provider.id} type="button" onClick={() => signIn(provider.id, { callbackUrl })} className={`${secondaryButtonClass} w-full`}>
              Sign in with {provider.name}
            </button>
          ))}
        </div>
      )}
      <p className="mt-4 text-sm text-slate-600">
        New here? <Link href="/signup" className="text-indigo-700 underline">Sign up with your course&apos;s join code</Link>.
      </p>
    </Card>
  );
}
