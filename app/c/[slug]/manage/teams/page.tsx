import type { Metadata } from "next";
import { Extensions } from "@/components/instructor/extensions";
import { LocalTime } from "@/components/local-time";
import { Card } from "@/components/ui/form";
import { listExtensions } from "@/lib/competitions/extensions";
import { db } from "@/lib/db";
import { listTeams, teamWindow } from "@/lib/teams/teams";
import { loadCompetitionAsStaff } from "@/web/view/competition";
import { removeExtensionAction, setExtensionAction } from "@/app/c/[slug]/manage/actions";

export const metadata: Metadata = { title: "Teams and extensions" };

/** The competition's teams (with invite codes) and extensions: the course's staff see them, its instructors grant extensions. */
export default async function TeamsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { competition, isInstructor, user } = await loadCompetitionAsStaff((await params).slug);
  const [teams, extensions] = await Promise.all([listTeams(db(), user.id, competition.id), listExtensions(db(), user.id, competition.id)]);
  const window = teamWindow(competition);
  return (
    <div className="space-y-6">
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Teams</h2>
        <p className="mb-3 text-sm text-slate-600">
          {window.enabled ? (
            <>
              Teams of up to {window.sizeLimit}; students can form, join and leave them until <LocalTime value={window.deadline.toISOString()} />. Change the limit and the team
              deadline in the settings.
            </>
          ) : (
            "Individual work: set a team size limit above 1 in the settings to let students form teams."
          )}
        </p>
        {teams.length === 0 ? (
          <p className="text-sm text-slate-600">No teams yet.</p>
        ) : (
          <table className="min-w-full text-sm" data-testid="teams">
            <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-3">Team</th>
                <th scope="col" className="py-2 pr-3">Members</th>
                <th scope="col" className="py-2 pr-3">Invite code</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {teams.map((team) => (
                <tr key={team.id}>
                  <td className="py-2 pr-3 font-medium">{team.name}</td>
                  <td className="py-2 pr-3">{team.members.map((m) => m.name).join(", ") || "–"}</td>
                  <td className="py-2 pr-3 font-mono">{team.inviteCode ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Extensions</h2>
        <p className="mb-3 text-sm text-slate-600">
          A later deadline for one student or one team: their uploads before it are on time, with no late penalty; the late policy starts after it.
        </p>
        <Extensions
          rows={extensions.map((e) => ({ id: e.id, who: e.team ? `team ${e.team.name}` : e.user ? `${e.user.name} (${e.user.email})` : "–", closesAt: e.closesAt.toISOString(), reason: e.reason }))}
          teams={teams.map((t) => ({ id: t.id, name: t.name }))}
          canManage={isInstructor}
          closesAt={competition.closesAt.toISOString()}
          setExtension={setExtensionAction.bind(null, competition.id)}
          removeExtension={removeExtensionAction.bind(null, competition.id)}
        />
      </Card>
    </div>
  );
}
