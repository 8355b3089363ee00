/**
 * The upload check as the web process runs it: the files' bytes go to a sandboxed child
 * (lib/sandbox/check-pool.ts), which runs checkSubmissionFiles (./check-files.ts) there. Nothing
 * here parses a model: this module must not import lib/models.
 */
import type { Competition, TestSet } from "@/lib/db";
import { resourceLimitsOf } from "@/lib/competitions/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { checkPool, SandboxPlatformError } from "@/lib/sandbox/check-pool";
import type { CheckTask } from "@/lib/sandbox/protocol";
import { SandboxUnavailableError } from "@/lib/sandbox/spawn";
import type { FileCheck, UploadedFile } from "./check-files";
import type { TrialSample } from "./trial";

export async function checkUploadInSandbox(input: {
  files: UploadedFile[];
  kind: "WEIGHTS" | "DEFINITION";
  preprocessing: CheckTask["preprocessing"];
  trainingSettings?: unknown;
  competition: Pick<Competition, "datasetId" | "resourceLimits" | "trainingBudget"> & { testSet?: Pick<TestSet, "shape" | "classNames" | "count"> | null };
  /** The free model check only: public-split images a trained model also predicts (./trial.ts). */
  trial?: TrialSample | null;
}): Promise<FileCheck> {
  const { competition } = input;
  const limits = resourceLimitsOf(competition);
  const trainingSettings = settingsAsText(input.trainingSettings);
  let verdict;
  try {
    verdict = await checkPool().check(
      {
        files: input.files.map((file) => ({ name: file.name, data: file.data })),
        kind: input.kind,
        preprocessing: input.preprocessing,
        trainingSettings,
        competition: {
          datasetId: competition.datasetId,
          resourceLimits: competition.resourceLimits,
          trainingBudget: competition.trainingBudget,
          testSet: competition.testSet ? { shape: competition.testSet.shape, classNames: competition.testSet.classNames, count: competition.testSet.count } : null,
        },
        trial: input.trial ?? null,
      },
      { memoryMb: limits.memoryMb, timeoutSeconds: Math.min(limits.timeoutSeconds, env().HOLDOUT_CHECK_TIMEOUT_SECONDS) },
    );
  } catch (error) {
    if (error instanceof SandboxPlatformError || error instanceof SandboxUnavailableError) {
      console.error(`upload check failed on the platform's side: ${error.message}`);
      throw new AppError("UNAVAILABLE", "Holdout could not check your upload because of a problem on our side. Try again in a minute; this attempt did not count against your daily limit.", { retryAfterSeconds: 30 });
    }
    throw error;
  }
  if (!verdict.ok) return verdict;
  return {
    ok: true,
    format: verdict.format,
    warnings: verdict.warnings,
    trainingSettings: verdict.trainingSettings,
    summary: verdict.summary ?? null,
    trial: verdict.trial ?? null,
    trainingWork: verdict.trainingWork ?? null,
    files: input.files.map((file, i) => ({ ...file, role: verdict.roles[i] ?? "model" })),
  };
}

/**
 * Training settings go to the child as JSON text, which the check parses: an object nested
 * thousands deep would overflow the structured-clone serializer on the way (a 503 for what is
 * the student's mistake).
 */
function settingsAsText(settings: unknown): string | undefined {
  if (settings === undefined || settings === null || typeof settings === "string") return settings ?? undefined;
  try {
    return JSON.stringify(settings);
  } catch {
    throw new AppError("BAD_REQUEST", 'Training settings nest too deep to read. Send a flat JSON object like {"epochs": 5, "batchSize": 64}.');
  }
}
