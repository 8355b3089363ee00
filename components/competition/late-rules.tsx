import { LocalTime } from "@/components/local-time";

export interface LateRulesProps {
  /** The competition's close (ISO). */
  closesAt: string;
  /** The viewer's own deadline when an extension moves it (ISO), with its reason and whether it is the team's. */
  extension: { closesAt: string; reason: string; forTeam: boolean } | null;
  policy: { kind: "none" } | { kind: "penalty"; perDayFraction: number; maxDays: number };
  /** Each started day after the deadline: its end (ISO) and its penalty (lib/submissions/late.ts latePeriodSteps). */
  steps: Array<{ until: string; penalty: number }>;
}

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10} %`;

/**
 * Exactly what happens to an upload after the deadline, in the viewer's time zone: refused, or
 * accepted until the end of the late period with the penalty for each started day (the same
 * rule as lib/submissions/late.ts: 1 ms late is day 1), and the viewer's own extension.
 */
export function LateRules({ closesAt, extension, policy, steps }: LateRulesProps) {
  const deadline = extension?.closesAt ?? closesAt;
  const shown = steps.length > 5 ? steps.slice(0, 5) : steps;
  const last = steps[steps.length - 1];
  return (
    <span data-testid="late-rules">
      {extension && (
        <>
          {extension.forTeam ? "Your team has" : "You have"} an extension until <LocalTime value={extension.closesAt} />
          {extension.reason ? ` (${extension.reason})` : ""}: uploads before then are on time, with no penalty.{" "}
        </>
      )}
      {policy.kind === "none" ? (
        <>
          Late uploads are not accepted: after <LocalTime value={deadline} /> the competition takes no more submissions{extension ? " from you" : ""}.
        </>
      ) : (
        <>
          An upload after <LocalTime value={deadline} /> is accepted as late until {last ? <LocalTime value={last.until} /> : null} and loses {percent(policy.perDayFraction)} of its
          points per started day, fixed when you upload:{" "}
          {shown.map((step, i) => (
            <span key={step.until}>
              {i > 0 ? "; " : ""}
              until <LocalTime value={step.until} /> −{percent(step.penalty)}
            </span>
          ))}
          {steps.length > shown.length && last ? `; and so on, up to −${percent(last.penalty)} on the last day` : ""}. After that, uploads are refused.
          Late submissions are marked &quot;late&quot; on the leaderboard and count for the grade with their penalty.
        </>
      )}
    </span>
  );
}
