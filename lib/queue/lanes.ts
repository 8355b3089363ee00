/**
 * Fair queueing: which lane a job waits in, and which lanes a worker may claim from.
 *
 * Lanes:
 * - "score": uploaded trained models. Seconds each; many per student during a deadline rush.
 * - "train": definitions, trained before they are scored. Minutes each.
 * - "baseline": low priority: instructors' reference baselines and competition-wide rescoring.
 *   Claimed only when no score or train job waits.
 *
 * Slots: a worker with N slots lets train and baseline jobs ("long" jobs) hold at most N - 1 of
 * them, so at least one slot always runs or waits for scoring: a 30-minute definition can never
 * hold every slot while a classmate's 5-second upload waits. Below that cap a free slot prefers
 * the train lane: a long job started late finishes late (longest job first is the classic rule
 * for the time until the last job is done, i.e. the deadline), while the reserved slot keeps
 * scoring moving. A one-slot worker cannot reserve anything: it takes scoring first (many short
 * jobs before one long one keeps the average wait short) and trains when no scoring waits.
 *
 * Within a lane, owners (a student, or a team) take turns: lib/queue/queue.ts claims the job of
 * the owner whose most recent claim in that lane is oldest (never-served owners first), oldest
 * job first within an owner. One number per owner, read from the jobs themselves, so no extra
 * bookkeeping can drift: ten queued uploads of one student and one of a classmate alternate.
 */

export const JOB_LANES = ["score", "train", "baseline"] as const;
export type JobLane = (typeof JOB_LANES)[number];

export function isJobLane(value: unknown): value is JobLane {
  return typeof value === "string" && (JOB_LANES as readonly string[]).includes(value);
}

/** The lane of a student's or instructor's upload: definitions train, trained models only score. */
export function laneForKind(kind: "WEIGHTS" | "DEFINITION"): JobLane {
  return kind === "DEFINITION" ? "train" : "score";
}

/** Who takes turns within a lane: the team when the submission is a team's, else the user. */
export function ownerKeyOf(submission: { userId: string; teamId?: string | null }): string {
  return submission.teamId ? `team:${submission.teamId}` : `user:${submission.userId}`;
}

/**
 * The lanes a worker with `slots` slots may claim from now, best first, given the lanes of the
 * jobs it is running. Empty when every slot is busy.
 */
export function lanesToClaim(slots: number, runningLanes: readonly string[]): JobLane[] {
  if (runningLanes.length >= slots) return [];
  if (slots <= 1) return ["score", "train", "baseline"];
  const long = runningLanes.filter((lane) => lane !== "score").length;
  if (long >= slots - 1) return ["score"];
  return ["train", "score", "baseline"];
}
