"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, buttonClass, Field, inputClass } from "@/components/ui/form";
import { createCourseAction } from "./actions";

export function CreateCourseForm() {
  const router = useRouter();
  const [error, setError] = useState<{ text: string; fields: Record<string, string> }>();
  const [pending, setPending] = useState(false);
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    const result = await createCourseAction({ name: String(form.get("name") ?? ""), term: String(form.get("term") ?? "") });
    setPending(false);
    if (result.ok) router.push(`/instructor/courses/${result.data.id}`);
    else setError({ text: result.error, fields: result.fieldErrors });
  }
  return (
    <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-3 sm:items-end">
      <Field id="course-name" label="Course name" error={error?.fields.name}>
        <input id="course-name" name="name" required placeholder="Deep Learning" className={inputClass} />
      </Field>
      <Field id="course-term" label="Term (optional)" error={error?.fields.term}>
        <input id="course-term" name="term" placeholder="Fall 2026" className={inputClass} />
      </Field>
      <button type="submit" className={buttonClass} disabled={pending}>
        {pending ? "Creating…" : "Create course"}
      </button>
      {error && !Object.keys(error.fields).length && (
        <div className="sm:col-span-3">
          <Alert kind="error">{error.text}</Alert>
        </div>
      )}
    </form>
  );
}
