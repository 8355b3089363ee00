"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { LocalTime } from "@/components/local-time";
import { Alert, buttonClass, Field, inputClass, secondaryButtonClass } from "@/components/ui/form";
import type { ActionResult } from "@/web/action-result";

type CollectionInput = { name: string; studentsMayDraw: boolean; studentsUntil: string | null };

/** A date-time field's value (the viewer's zone) as an ISO instant; "" stays null. */
function localToIso(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

/** An ISO instant as a datetime-local value in the viewer's zone. */
function isoToLocal(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function CreateCollectionForm({ courseId, create }: { courseId: string; create: (input: CollectionInput) => Promise<ActionResult<{ id: string }>> }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [studentsMayDraw, setStudentsMayDraw] = useState(false);
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = await create({ name: String(form.get("name") ?? ""), studentsMayDraw, studentsUntil: studentsMayDraw ? localToIso(String(form.get("studentsUntil") ?? "")) : null });
    if (result.ok) router.push(`/instructor/courses/${courseId}/digits/${result.data.id}`);
    else setError(result.error);
  }
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <Field id="collection-name" label="Collection name">
        <input id="collection-name" name="name" required maxLength={100} className={inputClass} placeholder="Week 3 digits" />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={studentsMayDraw} onChange={(e) => setStudentsMayDraw(e.target.checked)} /> Students of the course may draw digits too
      </label>
      {studentsMayDraw && (
        <Field id="collection-until" label="Students may draw until (your time zone; empty: until you close it)">
          <input id="collection-until" name="studentsUntil" type="datetime-local" className={inputClass} />
        </Field>
      )}
      <button type="submit" className={buttonClass}>
        Create collection
      </button>
      {error && <Alert kind="error">{error}</Alert>}
    </form>
  );
}

export function StudentDrawingSettings({
  studentsMayDraw,
  studentsUntil,
  openToStudents,
  update,
}: {
  studentsMayDraw: boolean;
  studentsUntil: string | null;
  openToStudents: boolean;
  update: (input: { studentsMayDraw?: boolean; studentsUntil?: string | null; close?: true }) => Promise<ActionResult<unknown>>;
}) {
  const router = useRouter();
  const [mayDraw, setMayDraw] = useState(studentsMayDraw);
  const [until, setUntil] = useState(isoToLocal(studentsUntil));
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  async function run(input: Parameters<typeof update>[0], done: string) {
    const result = await update(input);
    setMessage(result.ok ? { ok: true, text: done } : { ok: false, text: result.error });
    if (result.ok) router.refresh();
  }
  return (
    <div className="space-y-3">
      <p className="text-sm" data-testid="students-drawing">
        {openToStudents ? (
          <span className="text-green-800">Students and TAs can draw now{studentsUntil ? <> until <LocalTime value={studentsUntil} withUtc /></> : " (until you close it)"}.</span>
        ) : (
          <span className="text-slate-700">Only instructors draw in this collection now.</span>
        )}
      </p>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={mayDraw} onChange={(e) => setMayDraw(e.target.checked)} /> Students of the course may draw
      </label>
      <Field id="students-until" label="Until (your time zone; empty: until you close it)">
        <input id="students-until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} className={inputClass} disabled={!mayDraw} />
      </Field>
      <div className="flex flex-wrap gap-2">
        <button type="button" className={secondaryButtonClass} onClick={() => run({ studentsMayDraw: mayDraw, studentsUntil: mayDraw ? localToIso(until) : null }, "Saved.")}>
          Save drawing window
        </button>
        {openToStudents && (
          <button type="button" className={secondaryButtonClass} onClick={() => window.confirm("Stop students drawing now? Instructors can still draw.") && run({ close: true }, "Closed to students.")}>
            Close to students now
          </button>
        )}
      </div>
      {message && <Alert kind={message.ok ? "success" : "error"}>{message.text}</Alert>}
    </div>
  );
}

export function MakeTestSetForm({ courseId, defaultName, count, make }: { courseId: string; defaultName: string; count: number; make: (name: string) => Promise<ActionResult<{ id: string; name: string; count: number; warnings: string[] }>> }) {
  const router = useRouter();
  const [made, setMade] = useState<{ name: string; count: number; warnings: string[] }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    const result = await make(String(new FormData(event.currentTarget).get("name") ?? ""));
    setBusy(false);
    if (result.ok) {
      setMade(result.data);
      setError(undefined);
      router.refresh();
    } else setError(result.error);
  }
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <Field id="test-set-name" label="Test set name">
        <input id="test-set-name" name="name" defaultValue={defaultName} maxLength={100} className={inputClass} />
      </Field>
      <button type="submit" className={buttonClass} disabled={busy || count === 0}>
        {busy ? "Making…" : `Make test set of ${count} digit${count === 1 ? "" : "s"}`}
      </button>
      {made && (
        <Alert kind="success">
          <span data-testid="made-test-set">
            Made the hidden test set “{made.name}” ({made.count} images).
          </span>{" "}
          Attach it on a competition&apos;s form (“Hidden test set”):{" "}
          <Link href={`/instructor/courses/${courseId}/competitions/new`} className="underline">
            new competition
          </Link>
          .{made.warnings.length > 0 && <span className="block">{made.warnings.join(" ")}</span>}
        </Alert>
      )}
      {error && <Alert kind="error">{error}</Alert>}
    </form>
  );
}

export function DigitGrid({ digits, remove }: { digits: Array<{ id: string; label: number; author: string | null; image: string }>; remove: (digitId: string) => Promise<ActionResult<null>> }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  async function onDelete(id: string, label: number) {
    if (!window.confirm(`Delete this drawing of a ${label}?`)) return;
    const result = await remove(id);
    if (result.ok) router.refresh();
    else setError(result.error);
  }
  if (digits.length === 0) return <p className="text-sm text-slate-600">No drawings yet.</p>;
  return (
    <div className="space-y-2">
      {error && <Alert kind="error">{error}</Alert>}
      <ul className="grid grid-cols-[repeat(auto-fill,minmax(4.5rem,1fr))] gap-2" data-testid="digit-grid">
        {digits.map((digit) => (
          <li key={digit.id} className="rounded border border-slate-200 p-1 text-center text-xs">
            <img src={digit.image} alt={`A drawn ${digit.label}`} width={56} height={56} className="mx-auto bg-black" style={{ imageRendering: "pixelated" }} />
            <span className="block font-medium">{digit.label}</span>
            <span className="block truncate text-slate-500" title={digit.author ?? ""}>
              {digit.author ?? "—"}
            </span>
            <button type="button" className="text-red-700 underline" onClick={() => onDelete(digit.id, digit.label)} aria-label={`Delete this drawing of a ${digit.label}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
