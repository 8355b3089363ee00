import { AppError } from "@/lib/errors";
import { Prisma, type PrismaClient, type Submission } from "@/lib/db";
import { competitionForUser } from "@/lib/competitions/access";
import { enqueueEvaluation } from "@/lib/queue/queue";
import { measuredTrainingSpeed } from "@/lib/queue/estimates";
import { laneForKind, ownerKeyOf } from "@/lib/queue/lanes";
import { trainingBudgetOf } from "@/lib/competitions/schema";
import { putBlob } from "@/lib/storage/blobs";
import { requireAdmitted, requireAllowedKind, submissionAdmission, trainingTimeDecision } from "./admission";
import type { UploadedFile } from "./check-files";
import { checkUploadInSandbox } from "./sandboxed-check";
import { parsePreprocessing, parseSubmissionKind, type Preprocessing } from "./schemas";

export interface CreateSubmissionInput {
  userId: string;
  competitionSlug: string;
  kind?: unknown;
  preprocessing?: unknown;
  trainingSettings?: unknown;
  note?: string;
  files: UploadedFile[];
  now?: Date;
}

export interface CreatedSubmission {
  submission: Submission;
  warnings: string[];
  remainingToday: number | null;
}

function userError(error: unknown): never {
  throw new AppError("BAD_REQUEST", error instanceof Error ? error.message : String(error));
}

/**
 * Checks the files with the same ingestion code the worker uses (in a sandboxed child), then writes the submission, its
 * files and its job in one transaction. Bad files are refused before anything is stored.
 */
export async function createSubmission(prisma: PrismaClient, input: CreateSubmissionInput): Promise<CreatedSubmission> {
  const now = input.now ?? new Date();
  const access = await competitionForUser(prisma, input.competitionSlug, input.userId);
  const { competition, isInstructor } = access;
  // Refused before the (costly) sandboxed check; asked again under the lock below.
  const admission = requireAdmitted(await submissionAdmission(prisma, access, input.userId, { now }));

  let kind: "WEIGHTS" | "DEFINITION";
  let preprocessing: Preprocessing | null;
  try {
    kind = parseSubmissionKind(input.kind);
    preprocessing = parsePreprocessing(input.preprocessing);
  } catch (error) {
    userError(error);
  }
  requireAllowedKind(admission.allowedKinds, kind);
  if (input.note && input.note.length > 500) throw new AppError("BAD_REQUEST", "Keep the note under 500 characters.");

  const testSet = competition.testSetId ? await prisma.testSet.findUnique({ where: { id: competition.testSetId } }) : null;
  // Student bytes are parsed and trial-run only in a sandboxed child, never in this process.
  const check = await checkUploadInSandbox({ files: input.files, kind, preprocessing, competition: { ...competition, testSet }, trainingSettings: input.trainingSettings });
  if (!check.ok) throw new AppError("UNPROCESSABLE", check.errors.join("\n"), { errors: check.errors });
  // A definition's training time at the workers' measured speed (lib/queue/estimates.ts; the rule is
  // in ./admission.ts): refused before anything is stored when it cannot finish within the budget.
  const training = kind === "DEFINITION" ? trainingTimeDecision(check.trainingWork ?? null, await measuredTrainingSpeed(prisma), trainingBudgetOf(competition).maxSeconds) : null;
  if (training?.refusal) throw new AppError("UNPROCESSABLE", training.refusal, { errors: [training.refusal] });

  return prisma.$transaction(async (tx) => {
    // One upload at a time per entrant (the team, else the student): two uploads racing for the
    // last slot of the day queue here, and the second one sees the first one's row.
    const teamId = (await tx.teamMember.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId: input.userId } }, select: { teamId: true } }))?.teamId;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`submit:${competition.id}:${teamId ?? input.userId}`}))`;
    const locked = requireAdmitted(await submissionAdmission(tx, access, input.userId, { now }));
    const remainingToday = locked.exempt ? null : locked.left - 1;
    const stored = [];
    for (const file of check.files) stored.push({ ...file, ...(await putBlob(tx, file.data)) });
    const submission = await tx.submission.create({
      data: {
        competitionId: competition.id,
        userId: input.userId,
        kind,
        format: check.format,
        preprocessing: preprocessing ?? Prisma.DbNull,
        trainingSettings: check.trainingSettings ?? Prisma.DbNull,
        note: input.note?.trim() || null,
        isBaseline: isInstructor,
        // Submitted for the team (its daily limit, finals and grade); the late penalty is fixed now.
        teamId: locked.teamId,
        isLate: locked.late.status === "late",
        latePenalty: locked.late.status === "late" ? locked.late.penalty : null,
        createdAt: now,
        files: { create: stored.map((file) => ({ name: file.name, role: file.role, blobSha256: file.sha256, size: file.size })) },
      },
    });
    // Its lane (trained models score, definitions train) and its owner, who takes turns with classmates (lib/queue/lanes.ts).
    await enqueueEvaluation(tx, { version: 1, submissionId: submission.id, rescore: 0 }, { lane: laneForKind(kind), ownerKey: ownerKeyOf(submission), estimatedSeconds: training?.estimatedSeconds ?? null });
    return { submission, warnings: training?.warning ? [...check.warnings, training.warning] : check.warnings, remainingToday };
  });
}
