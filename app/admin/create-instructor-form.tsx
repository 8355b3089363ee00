"use client";

import { useState } from "react";
import { Alert, buttonClass, Field, inputClass } from "@/components/ui/form";
import { createInstructorAction } from "./actions";

export function CreateInstructorForm() {
  const [result, setResult] = useState<{ ok: true; email: string; name: string; password: string; created: boolean } | { ok: false; error: string }>();
  const [pending, setPending] = useState(false);
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    const answer = await createInstructorAction({ email: String(form.get("email") ?? ""), name: String(form.get("name") ?? "") });
    setPending(false);
    setResult(answer.ok ? { ok: true, ...answer.data } : { ok: false, error: answer.error });
  }
  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-3 sm:items-end">
        <Field id="instructor-name" label="Name">
          <input id="instructor-name" name="name" required className={inputClass} />
        </Field>
        <Field id="instructor-email" label="Email">
          <input id="instructor-email" name="email" type="email" required className={inputClass} />
        </Field>
        <button type="submit" className={buttonClass} disabled={pending}>
          {pending ? "Creating…" : "Create instructor"}
        </button>
      </form>
      {result && !result.ok && <Alert kind="error">{result.error}</Alert>}
      {result?.ok && (
        <Alert kind="success">
          {result.created ? "Created" : "Reset"} instructor {result.name} &lt;{result.email}&gt;. One-time password:{" "}
          <code data-testid="one-time-password" className="rounded bg-white px-1.5 py-0.5 font-mono">
            {result.password}
          </code>
          . Hand it over privately: it is shown only now, and they choose their own password at their first sign-in.
        </Alert>
      )}
    </div>
  );
}
