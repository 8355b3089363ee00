"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { LocalTime } from "@/components/local-time";
import { Alert, buttonClass, inputClass, secondaryButtonClass } from "@/components/ui/form";
import type { ActionResult } from "@/web/action-result";

export interface TeamPanelTeam {
  name: string;
  inviteCode: string | null;
  members: Array<{ id: string; name: string }>;
}

/**
 * The viewer's team on the competition page: create one, join one by invite code, see the code
 * to share, leave before the team deadline. Every rule is checked on the server (lib/teams).
 */
export function TeamPanel({
  team,
  sizeLimit,
  deadline,
  open,
  preview,
  createTeam,
  joinTeam,
  leaveTeam,
}: {
  team: TeamPanelTeam | null;
  sizeLimit: number;
  /** ISO instant: teams are fixed after it. */
  deadline: string;
  open: boolean;
  preview: boolean;
  createTeam: (name: string) => Promise<ActionResult<{ name: string }>>;
  joinTeam: (code: string) => Promise<ActionResult<{ name: string }>>;
  leaveTeam: () => Promise<ActionResult<null>>;
}) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string }>();
  const [confirmLeave, setConfirmLeave] = useState(false);

  async function run(work: () => Promise<ActionResult<unknown>>, success: string) {
    setPending(true);
    setMessage(undefined);
    const result = await work();
    setPending(false);
    if (result.ok) {
      setMessage({ kind: "success", text: result.message ?? success });
      setName("");
      setCode("");
      setConfirmLeave(false);
      router.refresh();
    } else setMessage({ kind: "error", text: result.error });
  }

  const disabled = pending || preview;
  return (
    <div className="space-y-3 text-sm" data-testid="team-panel">
      <p className="text-slate-600">
        Teams of up to {sizeLimit}. {open ? "Teams can be formed, joined and left until " : "Teams were fixed at "}
        <LocalTime value={deadline} />.
      </p>
      {team ? (
        <div className="space-y-2">
          <p>
            Your team: <strong data-testid="team-name">{team.name}</strong> ({team.members.length} of {sizeLimit})
          </p>
          <ul className="list-disc pl-5" aria-label="Team members">
            {team.members.map((member) => (
              <li key={member.id}>{member.name}</li>
            ))}
          </ul>
          {team.inviteCode && open && team.members.length < sizeLimit && (
            <p>
              Invite code: <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono" data-testid="invite-code">{team.inviteCode}</code>{" "}
              <span className="text-slate-600">(give it to classmates you want in the team)</span>
            </p>
          )}
          {open &&
            (confirmLeave ? (
              <div role="alertdialog" aria-label="Confirm leaving" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3">
                <p>Leave {team.name}? Its submissions stay the team&apos;s; your later uploads count for you alone.</p>
                <div className="flex gap-2">
                  <button type="button" className={buttonClass} disabled={disabled} onClick={() => run(leaveTeam, "You left the team.")}>
                    Yes, leave
                  </button>
                  <button type="button" className={secondaryButtonClass} onClick={() => setConfirmLeave(false)}>
                    Cancel
                  </button>
                </div>
              </div>
            ) : (
              <button type="button" className={secondaryButtonClass} disabled={disabled} onClick={() => setConfirmLeave(true)}>
                Leave team
              </button>
            ))}
        </div>
      ) : open ? (
        <div className="space-y-4">
          <form
            className="space-y-1"
            onSubmit={(event) => {
              event.preventDefault();
              void run(() => createTeam(name), "Team created.");
            }}
          >
            <label htmlFor="team-name" className="block font-medium">
              Start a team
            </label>
            <div className="flex gap-2">
              <input id="team-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="Team name" maxLength={60} />
              <button type="submit" className={buttonClass} disabled={disabled}>
                Create
              </button>
            </div>
          </form>
          <form
            className="space-y-1"
            onSubmit={(event) => {
              event.preventDefault();
              void run(() => joinTeam(code), "You joined the team.");
            }}
          >
            <label htmlFor="team-code" className="block font-medium">
              Join a team
            </label>
            <div className="flex gap-2">
              <input id="team-code" className={inputClass} value={code} onChange={(e) => setCode(e.target.value)} placeholder="Invite code, e.g. T-ABCD234XYZ" />
              <button type="submit" className={buttonClass} disabled={disabled}>
                Join
              </button>
            </div>
          </form>
        </div>
      ) : (
        <p>You are not in a team: you compete on your own.</p>
      )}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
    </div>
  );
}
