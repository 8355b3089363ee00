"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, buttonClass, Field, inputClass, secondaryButtonClass } from "@/components/ui/form";
import type { ActionResult } from "@/web/action-result";

type UpdateAction = (update: { joinEnabled?: boolean; regenerateJoinCode?: boolean; archived?: boolean }) => Promise<ActionResult<unknown>>;
type AddStaffAction = (input: { email: string; role: "INSTRUCTOR" | "TA" }) => Promise<ActionResult<{ name: string; email: string; role: string }>>;

/** The join code: a new one (the old stops working), or switched off and on. */
export function JoinCodeControls({ joinCode, joinEnabled, update }: { joinCode: string; joinEnabled: boolean; update: UpdateAction }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  async function run(change: Parameters<UpdateAction>[0], confirmText?: string) {
    if (confirmText && !window.confirm(confirmText)) return;
    const result = await update(change);
    if (!result.ok) setError(result.error);
    else {
      setError(undefined);
      router.refresh();
    }
  }
  return (
    <div className="space-y-2">
      <p className="text-sm">
        Join code <code data-testid="join-code" className="rounded bg-slate-100 px-1.5 py-0.5 font-mono">{joinCode}</code>{" "}
        {joinEnabled ? <span className="text-green-800">on: students can join with it</span> : <span className="text-amber-800">off: the code is refused (class lists and claim links still work)</span>}
      </p>
      <div className="flex flex-wrap gap-2">
        <button type="button" className={secondaryButtonClass} onClick={() => run({ regenerateJoinCode: true }, "Make a new join code? The current one stops working at once.")}>
          New join code
        </button>
        <button type="button" className={secondaryButtonClass} onClick={() => run({ joinEnabled: !joinEnabled })}>
          {joinEnabled ? "Switch join code off" : "Switch join code on"}
        </button>
      </div>
      {error && <Alert kind="error">{error}</Alert>}
    </div>
  );
}

export function AddStaffForm({ addStaff }: { addStaff: AddStaffAction }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const role = form.get("role") === "INSTRUCTOR" ? "INSTRUCTOR" : "TA";
    const result = await addStaff({ email: String(form.get("email") ?? ""), role });
    if (result.ok) {
      setMessage({ ok: true, text: `${result.data.name} is now ${result.data.role === "INSTRUCTOR" ? "a co-instructor" : "a teaching assistant"} of the course.` });
      router.refresh();
    } else setMessage({ ok: false, text: result.error });
  }
  return (
    <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-3 sm:items-end">
      <Field id="staff-email" label="Email of their account">
        <input id="staff-email" name="email" type="email" required className={inputClass} />
      </Field>
      <Field id="staff-role" label="Role">
        <select id="staff-role" name="role" className={inputClass} defaultValue="TA">
          <option value="TA">Teaching assistant (sees submissions and grades)</option>
          <option value="INSTRUCTOR">Co-instructor (changes everything)</option>
        </select>
      </Field>
      <button type="submit" className={buttonClass}>
        Add to the staff
      </button>
      {message && (
        <div className="sm:col-span-3">
          <Alert kind={message.ok ? "success" : "error"}>{message.text}</Alert>
        </div>
      )}
    </form>
  );
}

export function ArchiveCourseButton({ archived, update }: { archived: boolean; update: UpdateAction }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  async function onClick() {
    if (!archived && !window.confirm("Archive this course? Its join code stops working and no competitions can be added; everything stays readable. You can unarchive it later.")) return;
    const result = await update({ archived: !archived });
    if (result.ok) router.refresh();
    else setError(result.error);
  }
  return (
    <div className="space-y-2">
      <button type="button" className={secondaryButtonClass} onClick={onClick}>
        {archived ? "Unarchive course" : "Archive course"}
      </button>
      {error && <Alert kind="error">{error}</Alert>}
    </div>
  );
}

type ChangeRoleAction = (userId: string, role: string) => Promise<ActionResult<{ role: string }>>;
type RemoveAction = (userId: string) => Promise<ActionResult<null>>;

/** One staff member's row controls: change their course role, or remove them from the course. */
export function StaffMemberControls({ userId, name, role, changeRole, remove }: { userId: string; name: string; role: "INSTRUCTOR" | "TA"; changeRole: ChangeRoleAction; remove: RemoveAction }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  async function onChange(event: React.ChangeEvent<HTMLSelectElement>) {
    const next = event.target.value;
    const result = await changeRole(userId, next);
    if (result.ok) {
      setError(undefined);
      router.refresh();
    } else {
      setError(result.error);
      event.target.value = role;
    }
  }
  async function onRemove() {
    if (!window.confirm(`Remove ${name} from the course's staff? Their account stays; they lose access to this course.`)) return;
    const result = await remove(userId);
    if (result.ok) router.refresh();
    else setError(result.error);
  }
  return (
    <span className="flex flex-col items-end gap-1">
      <span className="flex items-center gap-2">
        <select aria-label={`Course role of ${name}`} defaultValue={role} onChange={onChange} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm">
          <option value="INSTRUCTOR">instructor</option>
          <option value="TA">teaching assistant</option>
          <option value="STUDENT">student</option>
        </select>
        <button type="button" className="text-sm text-red-700 underline" onClick={onRemove} aria-label={`Remove ${name} from the staff`}>
          Remove
        </button>
      </span>
      {error && (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}

/** Deletes a hidden test set; the server refuses (with the competitions' names) while one uses it. */
export function DeleteTestSetButton({ name, remove }: { name: string; remove: () => Promise<ActionResult<null>> }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  async function onClick() {
    if (!window.confirm(`Delete the hidden test set "${name}"? This cannot be undone.`)) return;
    const result = await remove();
    if (result.ok) router.refresh();
    else setError(result.error);
  }
  return (
    <span className="flex flex-col items-end gap-1">
      <button type="button" className="text-sm text-red-700 underline" onClick={onClick} aria-label={`Delete the test set ${name}`}>
        Delete
      </button>
      {error && (
        <span role="alert" className="max-w-md text-sm text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
