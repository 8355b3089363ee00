"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Alert, buttonClass, Card, Field, inputClass } from "@/components/ui/form";
import { signUpAction } from "./actions";

export function SignUpForm({ initialJoinCode }: { initialJoinCode: string }) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      joinCode: String(form.get("joinCode") ?? ""),
    };
    setPending(true);
    setError(undefined);
    const result = await signUpAction(input);
    if (!result.ok) {
      setPending(false);
      setError(result.error);
      return;
    }
    await signIn("credentials", { email: input.email, password: input.password, redirect: false });
    window.location.assign("/courses");
  }

  return (
    <Card>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {error && <Alert>{error}</Alert>}
        <Field id="joinCode" label="Course join code" hint="For example DEEP-LEARNING or DL-7K2QXM.">
          <input id="joinCode" name="joinCode" defaultValue={initialJoinCode} required autoComplete="off" className={`${inputClass} uppercase`} />
        </Field>
        <Field id="name" label="Full name">
          <input id="name" name="name" required autoComplete="name" className={inputClass} />
        </Field>
        <Field id="email" label="Email">
          <input id="email" name="email" type="email" required autoComplete="email" className={inputClass} />
        </Field>
        <Field id="password" label="Password" hint="At least 8 characters.">
          <input id="password" name="password" type="password" required minLength={8} autoComplete="new-password" className={inputClass} />
        </Field>
        <button type="submit" disabled={pending} className={`${buttonClass} w-full`}>
          {pending ? "Creating your account…" : "Sign up"}
        </button>
      </form>
      <p className="mt-4 text-sm text-slate-600">
        Have an account? <Link href="/signin" className="text-indigo-700 underline">Sign in</Link>.
      </p>
    </Card>
  );
}
