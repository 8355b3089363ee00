import { z } from "zod";
import { AppError } from "@/lib/errors";
import { gradingSchemeSchema, latePolicySchema } from "@/lib/grading/schemes";
import { BUILT_IN_DATASETS, DEFAULT_LATE_POLICY, DEFAULT_RESOURCE_LIMITS, DEFAULT_TRAINING_BUDGET, type BuiltInDatasetId } from "./defaults";

export const DATASET_IDS = ["mnist", "fashion-mnist", "cifar10"] as const satisfies readonly BuiltInDatasetId[];
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_SPLIT_SEED = 2_147_483_647;

/** A fresh seed for a new competition (Web Crypto, so this module also runs in the browser for form checks). */
export function randomSplitSeed(): number {
  const [value] = globalThis.crypto.getRandomValues(new Uint32Array(1));
  return (value % (MAX_SPLIT_SEED - 1)) + 1;
}

/** Form fields arrive as strings: "5" counts as 5, but "" stays missing (so defaults apply). */
function numeric(value: unknown): unknown {
  if (typeof value === "string") {
    const text = value.trim();
    return text === "" ? undefined : Number(text);
  }
  return value;
}

function intField(what: string, min: number, max: number) {
  const message = `${what} must be a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}.`;
  return z.preprocess(numeric, z.number({ error: message }).int(message).min(min, message).max(max, message));
}

function numberField(what: string, min: number, max: number, range: string) {
  const message = `${what} must be ${range}.`;
  return z.preprocess(numeric, z.number({ error: message }).refine(Number.isFinite, message).pipe(z.number().min(min, message).max(max, message)));
}

function dateField(what: string) {
  const message = `Enter when the competition ${what}, as a date and time (e.g. 2026-03-01T09:00:00Z).`;
  return z.preprocess(
    (value) => (value === null || value === "" ? undefined : typeof value === "string" || typeof value === "number" ? new Date(value) : value),
    z.date({ error: message }),
  );
}

export const trainingBudgetSchema = z.object(
  {
    maxEpochs: intField("The training budget's maximum epochs", 1, 1000).default(DEFAULT_TRAINING_BUDGET.maxEpochs),
    maxSeconds: intField("The training budget's maximum seconds", 10, 7 * 24 * 3600).default(DEFAULT_TRAINING_BUDGET.maxSeconds),
    maxParams: intField("The training budget's maximum parameters", 1, 1_000_000_000).default(DEFAULT_TRAINING_BUDGET.maxParams),
    /** Train on an evenly spread subset of the training split (CPU-only servers); absent = all of it. */
    maxTrainExamples: intField("The training budget's maximum training examples", 1, 10_000_000).optional(),
  },
  { error: "The training budget is { maxEpochs, maxSeconds, maxParams, maxTrainExamples? }." },
);
/** A competition's training budget (the one definition: the worker, the engine and the forms use it). */
export type TrainingBudget = z.output<typeof trainingBudgetSchema>;

export const resourceLimitsSchema = z.object(
  {
    maxUploadBytes: intField("The upload size limit (bytes)", 1024, 2 * 1024 * 1024 * 1024).default(DEFAULT_RESOURCE_LIMITS.maxUploadBytes),
    maxParams: intField("The model size limit (parameters)", 1, 10_000_000_000).default(DEFAULT_RESOURCE_LIMITS.maxParams),
    maxFlops: numberField("The compute limit (FLOPs per example)", 1, 1e15, "a number from 1 to 1e15").default(DEFAULT_RESOURCE_LIMITS.maxFlops),
    memoryMb: intField("The memory limit (MB)", 128, 262_144).default(DEFAULT_RESOURCE_LIMITS.memoryMb),
    timeoutSeconds: intField("The evaluation time limit (seconds)", 10, 7 * 24 * 3600).default(DEFAULT_RESOURCE_LIMITS.timeoutSeconds),
  },
  { error: "The resource limits are { maxUploadBytes, maxParams, maxFlops, memoryMb, timeoutSeconds }." },
);
export type ResourceLimits = z.output<typeof resourceLimitsSchema>;

function jsonObject(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * A competition's training budget: what it stores, over the defaults (stored {} = all defaults).
 * Stored numbers are taken as they are (the form's bounds apply when an instructor edits them;
 * operators and tests may set tighter ones directly); anything that is not a number is ignored.
 */
export function trainingBudgetOf(competition: { trainingBudget: unknown }): TrainingBudget {
  return overDefaults(trainingBudgetSchema, jsonObject(competition.trainingBudget));
}

/** A competition's resource limits: what it stores, over the defaults, read like the budget. */
export function resourceLimitsOf(competition: { resourceLimits: unknown }): ResourceLimits {
  return overDefaults(resourceLimitsSchema, jsonObject(competition.resourceLimits));
}

function overDefaults<T extends z.ZodObject>(schema: T, stored: Record<string, unknown>): z.output<T> {
  const defaults = schema.parse({}) as Record<string, unknown>;
  const known = Object.keys(schema.shape);
  const numbers = Object.fromEntries(known.filter((key) => typeof stored[key] === "number" && Number.isFinite(stored[key])).map((key) => [key, stored[key]]));
  return { ...defaults, ...numbers } as z.output<T>;
}

const kindSchema = z.preprocess(
  (value) => (typeof value === "string" ? value.trim().toUpperCase() : value),
  z.enum(["WEIGHTS", "DEFINITION"], { error: 'Allowed kinds are "WEIGHTS" (trained models) and "DEFINITION" (architectures Holdout trains).' }),
);

/**
 * Everything an instructor sets on a competition. Used for creating and (merged with the stored
 * values) for editing. Messages name the field and say what to enter.
 */
export const competitionInputSchema = z
  .object({
    title: z
      .string({ error: "Give the competition a title." })
      .trim()
      .min(1, "Give the competition a title.")
      .max(120, "Keep the title under 120 characters."),
    slug: z
      .string({ error: 'Give the competition a slug for its address, like "cifar10-spring".' })
      .trim()
      .min(3, 'The slug must be 3 to 60 characters: lowercase letters, digits and dashes, like "cifar10-spring".')
      .max(60, 'The slug must be 3 to 60 characters: lowercase letters, digits and dashes, like "cifar10-spring".')
      .regex(SLUG_PATTERN, 'The slug may only use lowercase letters a-z, digits and single dashes between them, like "cifar10-spring".'),
    description: z
      .string({ error: "The description must be text (Markdown)." })
      .max(20_000, "Keep the description under 20,000 characters.")
      .default(""),
    datasetId: z.enum(DATASET_IDS, { error: "Choose a dataset: mnist, fashion-mnist or cifar10." }),
    testSetId: z
      .preprocess((value) => (value === "" ? null : value), z.string({ error: "The test set must be chosen from the course's test sets." }).min(1).nullable())
      .default(null),
    opensAt: dateField("opens"),
    closesAt: dateField("closes"),
    dailyLimit: intField("The daily submission limit", 1, 100).default(5),
    maxFinalSelections: intField("The number of final submissions a student may select", 1, 10).default(2),
    publicFraction: numberField("The public fraction of the test set", 0.05, 0.95, "between 0.05 and 0.95 (e.g. 0.3 puts 30 % of the test set on the public leaderboard)").default(0.3),
    splitSeed: intField("The split seed", 0, MAX_SPLIT_SEED).default(randomSplitSeed),
    allowedKinds: z
      .array(kindSchema, { error: 'List the allowed kinds, e.g. ["WEIGHTS", "DEFINITION"].' })
      .min(1, "Allow at least one kind of submission: trained models (WEIGHTS), definitions (DEFINITION) or both.")
      .transform((kinds) => [...new Set(kinds)])
      .default(["WEIGHTS", "DEFINITION"]),
    trainingBudget: trainingBudgetSchema.default({ ...DEFAULT_TRAINING_BUDGET }),
    resourceLimits: resourceLimitsSchema.default({ ...DEFAULT_RESOURCE_LIMITS }),
    gradingScheme: gradingSchemeSchema.optional(),
    latePolicy: latePolicySchema.default({ ...DEFAULT_LATE_POLICY }),
    /** Largest team; 1 = individual work (students cannot form teams). */
    teamSizeLimit: intField("The team size limit", 1, 20).default(1),
    /** After this, teams can no longer be formed, joined or left; null = until the close. */
    teamMergeDeadline: z
      .preprocess(
        (value) => (value === null || value === undefined || value === "" ? null : typeof value === "string" || typeof value === "number" ? new Date(value) : value),
        z.date({ error: "Enter the team deadline as a date and time (e.g. 2026-03-01T09:00:00Z), or leave it empty for the close." }).nullable(),
      )
      .default(null),
    /** The probing guard: the Ladder on the public board (lib/leaderboard/ladder.ts). */
    probingGuard: z.boolean({ error: "The probing guard is on (true) or off (false)." }).default(false),
  })
  .superRefine((value, ctx) => {
    if (value.opensAt.getTime() >= value.closesAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["closesAt"], message: "The closing time must be after the opening time." });
    }
    if (value.teamMergeDeadline && value.teamMergeDeadline.getTime() > value.closesAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["teamMergeDeadline"], message: "The team deadline must be at or before the close (or empty: teams may change until the close)." });
    }
  })
  .transform((value) => {
    const dataset = BUILT_IN_DATASETS[value.datasetId];
    return { ...value, gradingScheme: value.gradingScheme ?? { kind: "linear" as const, baseline: dataset.baseline, target: dataset.target, maxPoints: 100 } };
  });

export type CompetitionInput = z.input<typeof competitionInputSchema>;
export type CompetitionSettings = z.output<typeof competitionInputSchema>;

export interface FieldIssue {
  path: string;
  message: string;
}

/** Validates competition settings; throws AppError BAD_REQUEST whose message is the first problem and details.issues all of them. */
export function parseCompetitionInput(input: unknown): CompetitionSettings {
  const parsed = competitionInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  // One problem per field (a slug like "X" is both too short and upper case: say the first).
  const issues: FieldIssue[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join(".");
    if (!issues.some((seen) => seen.path === path)) issues.push({ path, message: issue.message });
  }
  const message = issues.length === 1 ? issues[0].message : `${issues[0].message} (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""} to fix)`;
  throw new AppError("BAD_REQUEST", message, { issues });
}
