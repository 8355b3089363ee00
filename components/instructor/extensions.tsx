"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { LocalTime } from "@/components/local-time";
import { useIsClient } from "@/components/use-client";
import { Alert, buttonClass, inputClass, secondaryButtonClass } from "@/components/ui/form";
import type { ActionResult } from "@/web/action-result";

export interface ExtensionRow {
  id: string;
  who: string;
  closesAt: string;
  reason: string;
}

/** ISO -> "YYYY-MM-DDTHH:mm" in the browser's zone, and back (datetime-local inputs). */
const pad = (n: number) => String(n).padStart(2, "0");
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Extensions of one competition: the list, and (for instructors) a form to grant one to a
 * student (by email) or a team, ending at a time in the viewer's zone. The lib checks everything.
 */
export function Extensions({
  rows,
  teams,
  canManage,
  closesAt,
  setExtension,
  removeExtension,
}: {
  rows: ExtensionRow[];
  teams: Array<{ id: string; name: string }>;
  canManage: boolean;
  closesAt: string;
  setExtension: (input: { email?: string; teamId?: string; closesAt?: string; reason?: string }) => Promise<ActionResult<{ id: string }>>;
  removeExtension: (id: string) => Promise<ActionResult<null>>;
}) {
  const router = useRouter();
  const isClient = useIsClient();
  const [target, setTarget] = useState<"student" | "team">("student");
  const [email, setEmail] = useState("");
  const [teamId, setTeamId] = useState(teams[0]?.id ?? "");
  const [until, setUntil] = useState(() => new Date(new Date(closesAt).getTime() + 3 * 24 * 3600 * 1000).toISOString());
  const [reason, setReason] = useState("");
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string }>();

  async function run(work: () => Promise<ActionResult<unknown>>) {
    setPending(true);
    const result = await work();
    setPending(false);
    setMessage(result.ok ? { kind: "success", text: result.message ?? "Saved." } : { kind: "error", text: result.error });
    if (result.ok) router.refresh();
  }

  return (
    <div className="space-y-4 text-sm">
      {rows.length === 0 ? (
        <p className="text-slate-600">No extensions.</p>
      ) : (
        <table className="min-w-full" data-testid="extensions">
          <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-3">For</th>
              <th scope="col" className="py-2 pr-3">Until</th>
              <th scope="col" className="py-2 pr-3">Reason</th>
              {canManage && <th scope="col" className="py-2 pr-3"><span className="sr-only">Withdraw</span></th>}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id}>
                <td className="py-2 pr-3">{row.who}</td>
                <td className="py-2 pr-3"><LocalTime value={row.closesAt} /></td>
                <td className="py-2 pr-3 text-slate-700">{row.reason || "–"}</td>
                {canManage && (
                  <td className="py-2 pr-3 text-right">
                    <button type="button" className={secondaryButtonClass} disabled={pending} onClick={() => run(() => removeExtension(row.id))}>
                      Withdraw
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && (
        <form
          className="grid gap-3 rounded-md border border-slate-200 p-3 sm:grid-cols-2"
          onSubmit={(event) => {
            event.preventDefault();
            void run(() => setExtension(target === "student" ? { email, closesAt: until, reason } : { teamId, closesAt: until, reason }));
          }}
        >
          <fieldset className="space-y-1 sm:col-span-2">
            <legend className="font-medium">Grant an extension to</legend>
            <div className="flex gap-4">
              <label className="flex items-center gap-2">
                <input type="radio" name="extension-target" checked={target === "student"} onChange={() => setTarget("student")} /> a student
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="extension-target" checked={target === "team"} disabled={teams.length === 0} onChange={() => setTarget("team")} /> a team
              </label>
            </div>
          </fieldset>
          {target === "student" ? (
            <div className="space-y-1">
              <label htmlFor="extension-email" className="block font-medium">Student&apos;s email</label>
              <input id="extension-email" type="email" className={inputClass} value={email} onChange={(e) => setEmail(e.target.value)} />
            </div>
          ) : (
            <div className="space-y-1">
              <label htmlFor="extension-team" className="block font-medium">Team</label>
              <select id="extension-team" className={inputClass} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
                {teams.map((team) => (
                  <option key={team.id} value={team.id}>{team.name}</option>
                ))}
              </select>
            </div>
          )}
          <div className="space-y-1">
            <label htmlFor="extension-until" className="block font-medium">Until (your time zone)</label>
            <input
              id="extension-until"
              type="datetime-local"
              className={inputClass}
              value={isClient ? toLocalInput(until) : ""}
              onChange={(e) => {
                const d = new Date(e.target.value);
                setUntil(Number.isNaN(d.getTime()) ? "" : d.toISOString());
              }}
            />
          </div>
          <div className="space-y-1 sm:col-span-2">
            <label htmlFor="extension-reason" className="block font-medium">Reason (the student sees it)</label>
            <input id="extension-reason" className={inputClass} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="sm:col-span-2">
            <button type="submit" className={buttonClass} disabled={pending || !isClient}>
              Save extension
            </button>
          </div>
        </form>
      )}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
    </div>
  );
}
