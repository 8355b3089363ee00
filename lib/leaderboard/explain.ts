/** What the pages say about the probing guard (./ladder.ts) and the intervals on a score. */
import { accuracyInterval, ladderThreshold, type Interval } from "./statistics";

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The line under a public board with the probing guard on. */
export function probingGuardNote(): string {
  return "Probing guard on: a new public score shows here only when it beats your best shown score by more than the step set by the public split's size (1/√n, e.g. 1.8 points for 3,000 images), so small, possibly lucky gains do not move the board.";
}

export interface LadderView {
  /** The score the public board shows for this submission. */
  shown: number;
  /** The step a new score had to beat the best shown one by. */
  threshold: number;
  /** Whether this submission's own public score is what the board shows. */
  climbed: boolean;
  /** One or two sentences for the report. */
  text: string;
}

/** The report's explanation of the Ladder for one scored submission; null when the guard did not apply. */
export function ladderView(score: { publicScore: number; ladderPublicScore: number | null }, publicCount: number | null): LadderView | null {
  if (score.ladderPublicScore === null || !publicCount) return null;
  const threshold = ladderThreshold(publicCount);
  const climbed = score.ladderPublicScore === score.publicScore;
  const step = `${(threshold * 100).toFixed(1)} points (1/√n for the ${publicCount.toLocaleString("en-US")} public images)`;
  const text = climbed
    ? `Probing guard: this submission's public score, ${percent(score.publicScore)}, is what the public board shows: it was your first, or beat your best shown score by more than ${step}.`
    : `Probing guard: the public board still shows ${percent(score.ladderPublicScore)}, your best shown score. This submission's public score, ${percent(score.publicScore)}, did not beat it by more than ${step}, so it does not move the board (it may still be one of your final submissions).`;
  return { shown: score.ladderPublicScore, threshold, climbed, text };
}

/** A score's 95% interval on its split (null without the split's size). */
export function scoreInterval(score: number | null, examples: number | null | undefined): Interval | null {
  return score === null || !examples ? null : accuracyInterval(score, examples);
}
