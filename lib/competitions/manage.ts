import { AppError } from "@/lib/errors";
import { Prisma, type Competition, type PrismaClient } from "@/lib/db";
import { recordAudit, toAuditJson } from "@/lib/audit/record";
import { requireCourseInstructor } from "./permissions";
import { requireActiveCourse } from "@/lib/courses/courses";
import { parseCompetitionInput, type CompetitionInput, type CompetitionSettings } from "./schema";
import { countSubmissions, testSetLockedError, testSetMismatch } from "./test-sets";

type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * Settings that decide which test examples are public or private, or what is scored at all:
 * changing them once submissions exist changes every score, so it needs `force` (and a rescore).
 */
export const SCORE_AFFECTING_FIELDS = ["splitSeed", "publicFraction", "datasetId", "testSetId"] as const;

const FIELD_LABELS: Record<keyof CompetitionSettings, string> = {
  title: "title",
  slug: "slug",
  description: "description",
  datasetId: "dataset",
  testSetId: "test set",
  opensAt: "opening time",
  closesAt: "closing time",
  dailyLimit: "daily limit",
  maxFinalSelections: "final selections",
  publicFraction: "public fraction",
  splitSeed: "split seed",
  allowedKinds: "allowed kinds",
  trainingBudget: "training budget",
  resourceLimits: "resource limits",
  gradingScheme: "grading scheme",
  latePolicy: "late policy",
  teamSizeLimit: "team size limit",
  teamMergeDeadline: "team deadline",
  probingGuard: "probing guard",
};

/** Every setting of a competition, in one list: the form, the diff and the database row share it. */
const SETTINGS_FIELDS = Object.keys(FIELD_LABELS) as Array<keyof CompetitionSettings>;

/** The settings fields of a validated input or a stored row (extra keys such as `force` dropped). */
function pickSettings(source: object): CompetitionSettings {
  const values = source as Record<string, unknown>;
  return Object.fromEntries(SETTINGS_FIELDS.map((field) => [field, values[field]])) as CompetitionSettings;
}

/** A stored JSON setting, or undefined when it is the column default {} (so the form's default applies). */
function storedJson(value: Prisma.JsonValue): unknown {
  if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) return undefined;
  return value ?? undefined;
}

/** The stored competition in the shape of the form, to merge edits into. */
export function competitionToInput(competition: Competition): CompetitionInput {
  return {
    ...pickSettings(competition),
    trainingBudget: storedJson(competition.trainingBudget) as CompetitionInput["trainingBudget"],
    resourceLimits: storedJson(competition.resourceLimits) as CompetitionInput["resourceLimits"],
    gradingScheme: storedJson(competition.gradingScheme) as CompetitionInput["gradingScheme"],
    latePolicy: storedJson(competition.latePolicy) as CompetitionInput["latePolicy"],
  };
}

async function checkTestSet(tx: Tx, testSetId: string | null, courseId: string, datasetId: string): Promise<void> {
  if (!testSetId) return;
  const testSet = await tx.testSet.findUnique({ where: { id: testSetId }, select: { courseId: true, shape: true, classNames: true } });
  if (!testSet || testSet.courseId !== courseId) {
    throw new AppError("BAD_REQUEST", "That test set is not one of this course's test sets. Upload it with the form's test-set upload first, or leave the test set empty to use the dataset's official test set.", { field: "testSetId" });
  }
  const mismatch = testSetMismatch(testSet, datasetId);
  if (mismatch) throw new AppError("BAD_REQUEST", mismatch, { field: "testSetId" });
}

async function slugConflict(tx: Tx, slug: string): Promise<AppError> {
  const taken = new Set((await tx.competition.findMany({ where: { slug: { startsWith: slug } }, select: { slug: true } })).map((c) => c.slug));
  let n = 2;
  while (taken.has(`${slug}-${n}`)) n++;
  return new AppError("CONFLICT", `The slug "${slug}" is already used by another competition. Choose another one, like "${slug}-${n}".`, { field: "slug" });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** Creates a competition in a course. Instructors of the course only; audited as "competition.create". */
export async function createCompetition(
  prisma: PrismaClient,
  actorId: string,
  courseId: string,
  input: CompetitionInput,
  options: { /** Runs after the permission check and validation (e.g. the site's dataset-availability check). */ beforeCreate?: () => Promise<void> } = {},
): Promise<Competition> {
  await requireCourseInstructor(prisma, actorId, courseId, "create competitions");
  await requireActiveCourse(prisma, courseId);
  const settings = parseCompetitionInput(input);
  await options.beforeCreate?.();
  await checkTestSet(prisma, settings.testSetId, courseId, settings.datasetId);
  if (await prisma.competition.findUnique({ where: { slug: settings.slug }, select: { id: true } })) throw await slugConflict(prisma, settings.slug);
  try {
    return await prisma.$transaction(async (tx) => {
      const competition = await tx.competition.create({ data: { ...pickSettings(settings), courseId, createdById: actorId } });
      await recordAudit(tx, {
        actorId,
        courseId,
        action: "competition.create",
        targetType: "Competition",
        targetId: competition.id,
        details: { settings: toAuditJson(settings) },
      });
      return competition;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw await slugConflict(prisma, settings.slug);
    throw error;
  }
}

export interface UpdateCompetitionOptions {
  /** Change the split seed, public fraction, dataset or test set even though submissions exist. */
  force?: boolean;
}

export interface UpdateCompetitionResult {
  competition: Competition;
  /** Field names that changed; empty when the edit changed nothing (and nothing was audited). */
  changedFields: string[];
  /** True when a score-affecting setting changed while submissions exist: run rescoreCompetition. */
  needsRescore: boolean;
}

/** JSON with sorted keys: PostgreSQL's jsonb does not keep the key order it was given. */
function comparable(value: unknown): string {
  const normalize = (v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map(normalize);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.keys(v).sort().map((key) => [key, normalize((v as Record<string, unknown>)[key])]));
    }
    return v;
  };
  return JSON.stringify(normalize(value) ?? null);
}

function auditValue(field: string, value: unknown): unknown {
  if (field === "description" && typeof value === "string") return `(${value.length} characters)`;
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Edits a competition: `input` holds the fields to change (others keep their stored values; the
 * merged result is validated as a whole). `force` may also be passed inside input, as a form does.
 * Refuses (CONFLICT) to change score-affecting settings once submissions exist, unless forced.
 * Instructors of the course only; audited as "competition.update" with each change's before/after.
 */
export async function updateCompetition(
  prisma: PrismaClient,
  actorId: string,
  competitionId: string,
  input: Partial<CompetitionInput> & { force?: boolean },
  options: UpdateCompetitionOptions = {},
): Promise<UpdateCompetitionResult> {
  const current = await prisma.competition.findUnique({ where: { id: competitionId } });
  if (!current) throw new AppError("NOT_FOUND", "This competition does not exist any more. Reload the course page.");
  await requireCourseInstructor(prisma, actorId, current.courseId, "change this competition");
  const force = options.force === true || input.force === true;
  const edits: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (key !== "force" && value !== undefined) edits[key] = value;
  const settings = parseCompetitionInput({ ...competitionToInput(current), ...edits });

  // The stored values as they are (no validation: they may predate today's rules), against the new ones.
  const before = pickSettings(current);
  const next = pickSettings(settings);
  const changedFields = (Object.keys(next) as Array<keyof typeof next>).filter((field) => comparable(next[field]) !== comparable(before[field]));
  if (changedFields.length === 0) return { competition: current, changedFields: [], needsRescore: false };

  if (changedFields.includes("testSetId") || (changedFields.includes("datasetId") && settings.testSetId)) await checkTestSet(prisma, settings.testSetId, current.courseId, settings.datasetId);
  // The hidden test set is fixed at the first submission: no force overrides that.
  if (changedFields.includes("testSetId")) {
    const submissions = await countSubmissions(prisma, competitionId);
    if (submissions > 0) throw testSetLockedError(submissions);
  }
  if (changedFields.includes("slug") && (await prisma.competition.findFirst({ where: { slug: settings.slug, id: { not: current.id } }, select: { id: true } }))) {
    throw await slugConflict(prisma, settings.slug);
  }

  const scoreAffecting = changedFields.filter((field) => (SCORE_AFFECTING_FIELDS as readonly string[]).includes(field));
  let needsRescore = false;
  if (scoreAffecting.length > 0) {
    const submissions = await prisma.submission.count({ where: { competitionId, status: { not: "CANCELLED" } } });
    if (submissions > 0) {
      if (!force) {
        const labels = scoreAffecting.map((field) => FIELD_LABELS[field as keyof CompetitionSettings]);
        throw new AppError(
          "CONFLICT",
          `This competition already has ${submissions} submission${submissions === 1 ? "" : "s"}: changing the ${labels.join(" and ")} would reshuffle the public/private split and change every score. ` +
            "Keep the current value, or confirm the change (force) and then rescore the competition.",
          { fields: scoreAffecting, submissions },
        );
      }
      needsRescore = true;
    }
  }

  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of changedFields) changes[field] = { from: auditValue(field, before[field]), to: auditValue(field, next[field]) };
  const data: Prisma.CompetitionUncheckedUpdateInput = {};
  for (const field of changedFields) (data as Record<string, unknown>)[field] = next[field];

  try {
    const competition = await prisma.$transaction(async (tx) => {
      const updated = await tx.competition.update({ where: { id: competitionId }, data });
      await recordAudit(tx, {
        actorId,
        courseId: current.courseId,
        action: "competition.update",
        targetType: "Competition",
        targetId: competitionId,
        details: { changes, ...(needsRescore ? { forced: true, needsRescore: true } : {}) },
      });
      return updated;
    });
    return { competition, changedFields, needsRescore };
  } catch (error) {
    if (isUniqueViolation(error)) throw await slugConflict(prisma, settings.slug);
    throw error;
  }
}
