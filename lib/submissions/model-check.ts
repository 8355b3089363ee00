/**
 * The free model check: everything an upload is checked for (the same sandboxed check,
 * ./sandboxed-check.ts -> lib/sandbox/check-pool.ts -> ./check-files.ts), plus a trial run of a
 * trained model on a fixed sample of the public split (./trial.ts), before the student spends a
 * submission. It stores nothing (no file, no submission, no job) and never uses a daily slot.
 *
 * Admission: allowed whenever an upload would be, and also when only the daily limit stops an
 * upload (./admission.ts, requireCheckAdmitted). It costs CPU (a sandboxed child loads the model
 * and predicts 200 to 600 images), so each user gets MODEL_CHECK_RATE checks per window, counted
 * in PostgreSQL (lib/accounts/rate-limit.ts) across all web processes; the only row a check
 * writes is that counter.
 */
import { hitRateLimit } from "@/lib/accounts/rate-limit";
import { competitionForUser } from "@/lib/competitions/access";
import { competitionTestImages } from "@/lib/competitions/test-images";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { ModelSummary } from "@/lib/models/summary";
import type { TrainingSettings } from "@/lib/models/training-settings";
import { requireAllowedKind, requireCheckAdmitted, submissionAdmission } from "./admission";
import type { UploadedFile } from "./check-files";
import { checkUploadInSandbox } from "./sandboxed-check";
import { parsePreprocessing, parseSubmissionKind, type Preprocessing } from "./schemas";
import { selectTrialSample, TRIAL_SAMPLE_SIZE, type TrialResult } from "./trial";

/** Checks per user and window (all competitions together): a class preparing uploads stays well inside it. */
export const MODEL_CHECK_RATE = { limit: 30, windowSeconds: 15 * 60 };

export interface ModelCheckResult {
  /** Whether the files would be accepted as an upload now. */
  ok: boolean;
  kind: "WEIGHTS" | "DEFINITION";
  /** The declared preprocessing (null: the model's default). */
  preprocessing: Preprocessing | null;
  format: string | null;
  summary: ModelSummary | null;
  trainingSettings: TrainingSettings | null;
  /** A trained model's accuracy on the fixed public-split sample (null for definitions or refused files). */
  trial: TrialResult | null;
  errors: string[];
  warnings: string[];
  /** The caller's submissions left today (null: no daily limit), unchanged by the check. */
  remainingToday: number | null;
  /** Always false: the check keeps nothing. */
  stored: false;
}

/** May this user check a model for this competition now (auth and phase as an upload; the rate limit). Returns the upload limits. */
export async function admitModelCheck(prisma: PrismaClient, slug: string, userId: string) {
  const access = await competitionForUser(prisma, slug, userId);
  const admission = requireCheckAdmitted(await submissionAdmission(prisma, access, userId));
  const rate = await hitRateLimit(prisma, `model-check:${userId}`, MODEL_CHECK_RATE.limit, MODEL_CHECK_RATE.windowSeconds);
  if (!rate.allowed) {
    throw new AppError(
      "RATE_LIMITED",
      `You have checked ${MODEL_CHECK_RATE.limit} models in the last ${MODEL_CHECK_RATE.windowSeconds / 60} minutes, the most Holdout checks per person. Try again in ${Math.ceil(rate.retryAfterSeconds / 60)} min; uploading a submission is not affected.`,
      { retryAfterSeconds: rate.retryAfterSeconds },
    );
  }
  return { access, admission };
}

export async function checkModel(
  prisma: PrismaClient,
  input: { userId: string; competitionSlug: string; kind?: unknown; preprocessing?: unknown; trainingSettings?: unknown; files: UploadedFile[]; admitted?: Awaited<ReturnType<typeof admitModelCheck>> },
): Promise<ModelCheckResult> {
  const { access, admission } = input.admitted ?? (await admitModelCheck(prisma, input.competitionSlug, input.userId));
  const { competition } = access;
  let kind: "WEIGHTS" | "DEFINITION";
  let preprocessing: Preprocessing | null;
  try {
    kind = parseSubmissionKind(input.kind);
    preprocessing = parsePreprocessing(input.preprocessing);
  } catch (error) {
    throw new AppError("BAD_REQUEST", error instanceof Error ? error.message : String(error));
  }
  requireAllowedKind(admission.allowedKinds, kind);

  const testSet = competition.testSetId ? await prisma.testSet.findUnique({ where: { id: competition.testSetId } }) : null;
  let trial = null;
  if (kind === "WEIGHTS") {
    try {
      const test = await competitionTestImages(prisma, competition);
      trial = selectTrialSample(test, test.publicIndices, TRIAL_SAMPLE_SIZE);
    } catch (error) {
      if (error instanceof AppError) throw error;
      console.error(`model check: the competition's test images could not be read: ${(error as Error).message}`);
      throw new AppError("UNAVAILABLE", "Holdout could not read this competition's test images to try your model. Try again in a minute, or submit: the upload check does not need them.", { retryAfterSeconds: 30 });
    }
  }
  // Student bytes are parsed and run only in a sandboxed child, never in this process.
  const check = await checkUploadInSandbox({ files: input.files, kind, preprocessing, competition: { ...competition, testSet }, trainingSettings: input.trainingSettings, trial });
  const remainingToday = admission.exempt ? null : admission.left;
  if (!check.ok) return { ok: false, kind, preprocessing, format: null, summary: null, trainingSettings: null, trial: null, errors: check.errors, warnings: check.warnings, remainingToday, stored: false };
  return {
    ok: true,
    kind,
    preprocessing,
    format: check.format,
    summary: check.summary ?? null,
    trainingSettings: check.trainingSettings,
    trial: check.trial ?? null,
    errors: [],
    warnings: check.warnings,
    remainingToday,
    stored: false,
  };
}
