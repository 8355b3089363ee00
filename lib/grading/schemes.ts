import { z } from "zod";

/**
 * How a competition turns a private-leaderboard score into course points, stored in
 * Competition.gradingScheme. Scores are "higher is better" (accuracy).
 */
const finiteNumber = (what: string) => z.number({ error: `${what} must be a number.` }).refine(Number.isFinite, `${what} must be a finite number.`);

export const thresholdSchema = z.object({
  minScore: finiteNumber("Each threshold's minimum score"),
  points: finiteNumber("Each threshold's points").pipe(z.number().min(0, "Threshold points cannot be negative; use 0 for no points.")),
});

export const thresholdsSchemeSchema = z
  .object({
    kind: z.literal("thresholds"),
    thresholds: z
      .array(thresholdSchema, { error: "List the thresholds as [{ minScore, points }, ...]." })
      .min(1, "Add at least one threshold: a minimum score and the points it earns.")
      .max(50, "Use at most 50 thresholds."),
  })
  .superRefine((scheme, ctx) => {
    const sorted = [...scheme.thresholds].sort((a, b) => a.minScore - b.minScore);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].minScore === sorted[i - 1].minScore) {
        ctx.addIssue({ code: "custom", path: ["thresholds"], message: `Two thresholds have the same minimum score ${sorted[i].minScore}; keep one of them.` });
        return;
      }
      if (sorted[i].points < sorted[i - 1].points) {
        ctx.addIssue({
          code: "custom",
          path: ["thresholds"],
          message: `A higher score must not earn fewer points: minimum score ${sorted[i].minScore} gives ${sorted[i].points} points but ${sorted[i - 1].minScore} gives ${sorted[i - 1].points}.`,
        });
        return;
      }
    }
  });

export const linearSchemeSchema = z
  .object({
    kind: z.literal("linear"),
    baseline: finiteNumber("The baseline score"),
    target: finiteNumber("The target score"),
    maxPoints: finiteNumber("Maximum points").pipe(z.number().positive("Maximum points must be more than 0.")),
  })
  .refine((scheme) => scheme.baseline < scheme.target, {
    path: ["target"],
    message: "The target score must be higher than the baseline score (0 points at the baseline, full points at the target).",
  });

export const gradingSchemeSchema = z.discriminatedUnion("kind", [thresholdsSchemeSchema, linearSchemeSchema], {
  error: 'Choose a grading scheme: "thresholds" (points for the highest threshold reached) or "linear" (from a baseline to a target).',
});
export type GradingScheme = z.infer<typeof gradingSchemeSchema>;
export type ThresholdsScheme = z.infer<typeof thresholdsSchemeSchema>;
export type LinearScheme = z.infer<typeof linearSchemeSchema>;

export const noLatePolicySchema = z.object({ kind: z.literal("none") });
export const penaltyLatePolicySchema = z.object({
  kind: z.literal("penalty"),
  /** Fraction of the points lost per started day late, e.g. 0.1 = 10 % a day. */
  perDayFraction: z
    .number({ error: "The late penalty per day must be a number between 0 and 1, like 0.1 for 10 % a day." })
    .gt(0, "The late penalty per day must be more than 0 (use the \"none\" policy to refuse late work).")
    .max(1, "The late penalty per day is a fraction of the points: at most 1 (100 %)."),
  /** Submissions more than this many days late earn nothing. */
  maxDays: z
    .number({ error: "The number of late days accepted must be a whole number from 1 to 365." })
    .int("The number of late days accepted must be a whole number from 1 to 365.")
    .min(1, "Accept late work for at least 1 day, or use the \"none\" policy.")
    .max(365, "Accept late work for at most 365 days."),
});

/** Accepts the older spelling { perDay } (see the schema comment) for perDayFraction. */
function normalizeLatePolicy(value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (record.kind === "penalty" && record.perDayFraction === undefined && record.perDay !== undefined) {
      const { perDay, ...rest } = record;
      return { ...rest, perDayFraction: perDay };
    }
  }
  return value;
}

export const latePolicySchema = z.preprocess(
  normalizeLatePolicy,
  z.discriminatedUnion("kind", [noLatePolicySchema, penaltyLatePolicySchema], {
    error: 'Choose a late policy: "none" (late submissions refused) or "penalty" (a fraction of the points lost per day late).',
  }),
);
export type LatePolicy = z.infer<typeof latePolicySchema>;

/**
 * A competition's stored late policy: {} (the column default) and anything unreadable mean
 * "none" (late work refused), so a broken setting never admits late uploads. Grading checks the
 * policy strictly (gradingRules) and says so when it is broken.
 */
export function latePolicyOf(competition: { latePolicy: unknown }): LatePolicy {
  const parsed = latePolicySchema.safeParse(competition.latePolicy);
  return parsed.success ? parsed.data : { kind: "none" };
}
