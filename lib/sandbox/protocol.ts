import { z } from "zod";
import type { EngineRates } from "@/lib/models/cost";
import type { TrainingWork } from "@/lib/queue/estimates";
import { preprocessingSchema } from "@/lib/models/preprocessing";
import { modelSummarySchema } from "@/lib/models/summary";
import { trainingSettingsSchema } from "@/lib/models/training-settings";
import { trialResultSchema, trialSampleSchema } from "@/lib/submissions/trial";
import { evaluationProgressSchema, evaluationResultSchema, type EpochRecord, type EvaluationResult } from "@/lib/evaluation/schemas";

export type { EngineRates, EpochRecord, EvaluationResult };

/**
 * Messages between a parent (the worker, or the web process for upload checks) and the
 * sandboxed child process (dist/child.mjs, compiled from worker/child.ts). The child has no
 * database access and reads only what its permissions list; it reports back over IPC.
 *
 * Every message is a zod schema here, parsed when it is written (the sender) and when it is read
 * (the receiver): a child built from other sources, or one that misbehaves, is noticed as a
 * platform failure instead of being misread. Types are inferred from the schemas.
 */

export const engineRatesSchema = z.object({
  matrixFlopsPerSecond: z.number().positive(),
  elementsPerSecond: z.number().positive(),
  backend: z.string(),
}) satisfies z.ZodType<EngineRates>;

export const trainingWorkSchema = z.object({
  flopsPerExample: z.number().positive(),
  examples: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
}) satisfies z.ZodType<TrainingWork>;

const kindSchema = z.enum(["WEIGHTS", "DEFINITION"]);
const positive = z.number().positive();

export const evaluationTaskSchema = z.object({
  submissionId: z.string().min(1),
  kind: kindSchema,
  /** Directory holding the submission's files under their uploaded names. */
  filesDir: z.string().min(1),
  files: z.array(z.object({ name: z.string().min(1), role: z.string() })),
  /** As the upload check resolved it (null: the model's default). */
  preprocessing: preprocessingSchema.nullable(),
  /** As stored; the scorer parses it with lib/models/training-settings.ts (its one schema). */
  trainingSettings: z.unknown(),
  dataset: z.object({ id: z.string().min(1), dataDir: z.string().optional() }),
  /** An instructor's own test set, as files in filesDir's sibling directory. */
  customTestSet: z.object({ dir: z.string().min(1), files: z.array(z.string().min(1)) }).optional(),
  split: z.object({ seed: z.number().int(), publicFraction: z.number().gt(0).lt(1) }),
  /** The competition's budget (stored numbers as they are: operators and tests may set tight ones); maxTrainExamples: train on an evenly spread subset. */
  budget: z.object({ maxEpochs: positive, maxSeconds: positive, maxParams: positive, maxTrainExamples: positive.optional() }),
  /** timeoutSeconds and memoryMb: the scoring limits (checked against the model's cost before it runs). */
  limits: z.object({ maxParams: positive, maxFlops: positive, timeoutSeconds: positive, memoryMb: positive }),
  backend: z.enum(["auto", "gpu", "tensorflow", "wasm", "cpu"]),
  /** CPUs this job may use for data-parallel training (the machine's, shared by concurrent jobs). */
  cpuShare: z.number().int().positive(),
});
export type EvaluationTask = z.output<typeof evaluationTaskSchema>;

/** The competition, as much of it as the upload check needs (its JSON columns are read by lib/competitions/schema.ts). */
export const checkCompetitionSchema = z.object({
  datasetId: z.string().min(1),
  resourceLimits: z.unknown(),
  trainingBudget: z.unknown(),
  testSet: z.object({ shape: z.array(z.number().int().positive()), classNames: z.array(z.string()), count: z.number().int().nonnegative() }).nullable(),
});
export type CheckCompetition = z.output<typeof checkCompetitionSchema>;

/** An upload check: the files' bytes travel over IPC (never paths). */
export const checkTaskSchema = z.object({
  files: z.array(z.object({ name: z.string(), data: z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: "expected the file's bytes" }) })),
  kind: kindSchema,
  /** As parsed by the web process (lib/submissions/schemas.ts); null: the model's default. */
  preprocessing: preprocessingSchema.nullable(),
  /** As the student sent it: the check parses it (lib/models/training-settings.ts). */
  trainingSettings: z.unknown().optional(),
  competition: checkCompetitionSchema,
  /** The engine speed a previous check measured; the child measures it when missing. */
  rates: engineRatesSchema.nullable(),
  /** The free model check only: public-split images a trained model also predicts (lib/submissions/trial.ts). */
  trial: trialSampleSchema.nullable().optional(),
});
export type CheckTask = z.output<typeof checkTaskSchema>;

/**
 * An instructor's hidden test set to parse (IDX pair, CIFAR binary, zip of PNG folders): parsed in
 * a child like any upload, because a crafted zip or PNG is as hostile as a crafted model.
 */
export const testSetTaskSchema = z.object({
  files: z.array(z.object({ name: z.string(), data: z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: "expected the file's bytes" }) })),
  limits: z.object({ maxUncompressedBytes: positive, maxPixelBytes: positive, maxEntries: positive, maxImageSide: positive }),
});
export type TestSetTask = z.output<typeof testSetTaskSchema>;

/** The parsed set in the stored format (lib/competitions/test-set-format.ts) and what the parser noticed. */
export const testSetResultSchema = z.object({
  encoded: z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: "expected the encoded test set" }),
  format: z.string(),
  perClassCounts: z.array(z.number().int().nonnegative()),
  warnings: z.array(z.string()),
});
export type TestSetResult = z.output<typeof testSetResultSchema>;

/** The check's verdict; roles[i] is the role of files[i] (bytes are not sent back). */
export const checkVerdictSchema = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    roles: z.array(z.enum(["model", "history"])),
    format: z.string(),
    warnings: z.array(z.string()),
    trainingSettings: trainingSettingsSchema.nullable(),
    summary: modelSummarySchema.nullable().optional(),
    trial: trialResultSchema.nullable().optional(),
    /** Definitions: what training will compute (the web process turns it into a time estimate: lib/queue/estimates.ts). */
    trainingWork: trainingWorkSchema.nullable().optional(),
  }),
  z.object({ ok: z.literal(false), errors: z.array(z.string()), warnings: z.array(z.string()) }),
]);
export type CheckVerdict = z.output<typeof checkVerdictSchema>;

export const childMessageSchema = z.discriminatedUnion("type", [
  /** A spare child has loaded its code and engine and waits for a task. */
  z.object({ type: z.literal("ready") }),
  /** The scorer's progress: { type: "phase" } and { type: "epoch" } (lib/evaluation/schemas.ts). */
  ...evaluationProgressSchema.options,
  z.object({ type: z.literal("result"), result: evaluationResultSchema }),
  z.object({ type: z.literal("check-result"), verdict: checkVerdictSchema, rates: engineRatesSchema }),
  z.object({ type: z.literal("test-set-result"), result: testSetResultSchema }),
  /** Test builds only (NODE_ENV=test): what reading each path did. */
  z.object({ type: z.literal("probe-result"), results: z.array(z.object({ path: z.string(), outcome: z.string() })), envKeys: z.array(z.string()) }),
  /** source SUBMISSION: the student's model is at fault (counts toward the limit); PLATFORM: ours. */
  z.object({ type: z.literal("failure"), source: z.enum(["SUBMISSION", "PLATFORM"]), message: z.string() }),
]);
export type ChildMessage = z.output<typeof childMessageSchema>;

export const parentMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("task"), task: evaluationTaskSchema }),
  z.object({ type: z.literal("check"), task: checkTaskSchema }),
  z.object({ type: z.literal("parse-test-set"), task: testSetTaskSchema }),
  /** Honoured only when the child runs with NODE_ENV=test: try to read these paths. */
  z.object({ type: z.literal("probe"), paths: z.array(z.string()) }),
]);
export type ParentMessage = z.output<typeof parentMessageSchema>;

/** A message that does not fit the protocol (a platform fault: never the student's). */
export class ProtocolError extends Error {
  constructor(direction: "from the child" | "to the child", issues: string) {
    super(`a message ${direction} did not fit the protocol (${issues})`);
    this.name = "ProtocolError";
  }
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(message)"}: ${issue.message}`)
    .join("; ");
}

/** Parses a message the child sends or the parent receives; throws ProtocolError. */
export function parseChildMessage(value: unknown): ChildMessage {
  const parsed = childMessageSchema.safeParse(value);
  if (!parsed.success) throw new ProtocolError("from the child", describe(parsed.error));
  return parsed.data;
}

/** Parses a message the parent sends or the child receives; throws ProtocolError. */
export function parseParentMessage(value: unknown): ParentMessage {
  const parsed = parentMessageSchema.safeParse(value);
  if (!parsed.success) throw new ProtocolError("to the child", describe(parsed.error));
  return parsed.data;
}

/**
 * A child message as read by a parent: one that does not fit becomes a PLATFORM failure (the
 * job is retried; never counted against the student).
 */
export function readChildMessage(value: unknown): ChildMessage {
  try {
    return parseChildMessage(value);
  } catch (error) {
    return { type: "failure", source: "PLATFORM", message: `The scoring process sent a message Holdout could not read: ${(error as Error).message}. This does not count against your daily limit.` };
  }
}
