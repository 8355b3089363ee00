"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert, buttonClass, inputClass } from "@/components/ui/form";
import { useIsClient } from "@/components/use-client";
import type { ActionResult } from "@/web/action-result";

export interface RosterImportView {
  created: number;
  enrolled: number;
  alreadyEnrolled: number;
  pending: string[];
  instructorsSkipped: string[];
  errors: Array<{ line: number; message: string }>;
}

/** Paste or choose a CSV (email,name[,student_id]) and import it; shows what happened line by line. */
export function RosterImport({ importAction }: { importAction: (csv: string) => Promise<ActionResult<RosterImportView>> }) {
  const router = useRouter();
  const isClient = useIsClient();
  const [csv, setCsv] = useState("");
  const [result, setResult] = useState<ActionResult<RosterImportView> | null>(null);
  const [pending, startTransition] = useTransition();

  async function readFile(file: File | undefined) {
    if (!file) return;
    setCsv(await file.text());
    setResult(null);
  }

  function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    startTransition(async () => {
      const answer = await importAction(csv);
      setResult(answer);
      if (answer.ok) router.refresh();
    });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" data-ready={isClient ? "true" : undefined}>
      <div className="space-y-1">
        <label htmlFor="roster-csv" className="block text-sm font-medium">
          Class list (CSV)
        </label>
        <textarea
          id="roster-csv"
          rows={8}
          value={csv}
          onChange={(e) => setCsv(e.target.value)}
          className={`${inputClass} font-mono`}
          placeholder={"email,name,student_id\nada@example.edu,Ada Lovelace,s1815\nalan@example.edu,Alan Turing,"}
          aria-describedby="roster-csv-hint"
        />
        <p id="roster-csv-hint" className="text-xs text-slate-600">
          One student per line: email, name and optionally the student id (for the grade export). A header line is recognised. Students already in the course keep their account; the list's name and id are kept for this course only.
        </p>
      </div>
      <div className="space-y-1">
        <label htmlFor="roster-file" className="block text-sm font-medium">
          …or choose a CSV file
        </label>
        <input id="roster-file" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => readFile(e.target.files?.[0])} className="block text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-200" />
      </div>
      <button type="submit" className={buttonClass} disabled={pending || csv.trim() === "" || !isClient}>
        {pending ? "Importing…" : "Import"}
      </button>
      <div aria-live="polite">
        {result && !result.ok && <Alert>{result.error}</Alert>}
        {result && result.ok && (
          <div role="status" className={`rounded-md border px-4 py-3 text-sm ${result.data.errors.length ? "border-amber-200 bg-amber-50 text-amber-950" : "border-green-200 bg-green-50 text-green-900"}`} data-testid="roster-result">
            <p className="font-medium">
              Imported: {result.data.enrolled} newly enrolled ({result.data.created} new account{result.data.created === 1 ? "" : "s"}), {result.data.alreadyEnrolled} already in the course
              {result.data.errors.length ? `, ${result.data.errors.length} line${result.data.errors.length === 1 ? "" : "s"} skipped` : ""}.
            </p>
            {result.data.created > 0 && <p className="mt-1">New students set their password with a claim link: make the links under “Claim links” and hand them out.</p>}
            {result.data.pending.length > 0 && (
              <p className="mt-1" data-testid="roster-pending">
                {result.data.pending.length} already had an account with a password and wait for their claim link to join: {result.data.pending.join(", ")}.
              </p>
            )}
            {result.data.instructorsSkipped.length > 0 && (
              <p className="mt-1" data-testid="roster-instructors">
                Not enrolled, being instructors: {result.data.instructorsSkipped.join(", ")}.
              </p>
            )}
            {result.data.errors.length > 0 && (
              <ul className="mt-2 list-disc pl-5">
                {result.data.errors.map((error) => (
                  <li key={error.line}>
                    Line {error.line}: {error.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </form>
  );
}

/** Removes a student after a second, explicit confirmation. */
export function RemoveStudentButton({ name, removeAction }: { name: string; removeAction: () => Promise<ActionResult<null>> }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} className="rounded px-2 py-1 text-sm text-red-700 hover:bg-red-50">
        Remove<span className="sr-only"> {name}</span>
      </button>
    );
  }
  return (
    <span className="inline-flex flex-wrap items-center gap-2 text-sm">
      <span>Remove {name} from the course?</span>
      <button
        type="button"
        disabled={pending}
        autoFocus
        onClick={() =>
          startTransition(async () => {
            const result = await removeAction();
            if (result.ok) router.refresh();
            else setError(result.error);
          })
        }
        className="rounded bg-red-700 px-2 py-1 font-medium text-white hover:bg-red-800"
      >
        {pending ? "Removing…" : "Yes, remove"}
      </button>
      <button type="button" onClick={() => setConfirming(false)} className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
        Cancel
      </button>
      {error && (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
