import { PNG } from "pngjs";
import { getDatasetSpec, isDatasetName, splitPublicPrivate, type CustomFile } from "@/lib/datasets";
import { AppError } from "@/lib/errors";
import type { Prisma, PrismaClient, TestSet } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { getBlob, putBlob } from "@/lib/storage/blobs";
import { parseTestSetInSandbox, TestSetRejectedError } from "@/lib/sandbox/parse-test-set";
import { requireCourseInstructor } from "./permissions";
import { decodeTestSet, type StoredTestSet } from "./test-set-format";

type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * Bounds on an instructor's test-set upload, on top of the parser's own (zip entries, uncompressed
 * bytes, decoded pixels): the upload route streams against these and stops reading past them.
 */
export const TEST_SET_UPLOAD_LIMITS = {
  maxTotalBytes: 256 * 1024 * 1024,
  maxFileBytes: 256 * 1024 * 1024,
  /** An IDX pair or a zip, or up to 6 CIFAR batches, plus a class-names file. */
  maxFiles: 8,
  maxFieldBytes: 1024,
  maxFields: 1,
} as const;
/** Parser caps for uploads through the site, API and CLI (lower than the parser's defaults). */
const PARSE_LIMITS = { maxUncompressedBytes: 512 * 1024 * 1024, maxPixelBytes: 512 * 1024 * 1024, maxEntries: 100_000, maxImageSide: 512 };
export const TEST_SET_FIELDS = ["name"] as const;
export const TEST_SET_FILE_FIELD = "files";

/**
 * An instructor's own hidden test set (an IDX pair, a CIFAR binary file, or a zip of PNG folders
 * named by class): fresh data nobody trained on, unlike the public MNIST/CIFAR test sets. It is
 * validated like the built-in sets, stored once in a compact form, and reported back (shape,
 * classes, balance) without ever showing its labels or images to students.
 */
export async function createTestSet(
  prisma: PrismaClient,
  actorId: string,
  courseId: string,
  name: string,
  files: CustomFile[],
  options: { fitDatasetId?: string } = {},
): Promise<{ testSet: TestSet; warnings: string[]; stored: StoredTestSet }> {
  await requireCourseInstructor(prisma, actorId, courseId, "upload a test set");
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 100) throw new AppError("BAD_REQUEST", "Give the test set a name of 1 to 100 characters.", { field: "name" });
  // Parsed in a sandboxed child (never here); what comes back is decoded by our own bounded reader.
  let parsed;
  try {
    parsed = await parseTestSetInSandbox({ files, limits: PARSE_LIMITS });
  } catch (error) {
    if (error instanceof TestSetRejectedError) throw new AppError("UNPROCESSABLE", error.message, { errors: [error.message] });
    throw new AppError("UNAVAILABLE", `Holdout could not read the test set right now (${(error as Error).message}). Nothing was stored; try again in a minute.`);
  }
  const encoded = parsed.encoded;
  const stored = decodeTestSet(encoded);
  // Checked before anything is stored: a set that cannot be attached is not kept.
  const mismatch = options.fitDatasetId ? testSetMismatch({ shape: stored.shape, classNames: stored.classNames }, options.fitDatasetId) : null;
  if (mismatch) throw new AppError("UNPROCESSABLE", mismatch, { errors: [mismatch] });
  const testSet = await prisma.$transaction(async (tx) => {
    const blob = await putBlob(tx, encoded);
    const created = await tx.testSet.create({
      data: {
        courseId,
        name: trimmed,
        format: parsed.format,
        blobSha256: blob.sha256,
        count: stored.count,
        shape: stored.shape,
        classNames: stored.classNames,
        perClassCounts: parsed.perClassCounts,
      },
    });
    await recordAudit(tx, { actorId, courseId, action: "test-set.create", targetType: "TestSet", targetId: created.id, details: { name: trimmed, count: stored.count, shape: stored.shape, classes: stored.classNames.length } });
    return created;
  });
  return { testSet, warnings: parsed.warnings, stored };
}

/** A default name from the uploaded files: "t10k-images-idx3-ubyte.gz" -> "t10k-images-idx3-ubyte". */
export function defaultTestSetName(files: Array<{ name: string }>): string {
  const first = files.find((file) => !/^(classes|class_names|labels|batches\.meta)\.txt$/i.test(file.name)) ?? files[0];
  const base = (first?.name ?? "test set").replace(/\.(gz|zip|bin)$/i, "").slice(0, 80);
  return base || "test set";
}

// ---------------------------------------------------------------------------------------------
// Preview: what an instructor sees before attaching a set (and after). Instructors only: it has
// sample images with their classes.
// ---------------------------------------------------------------------------------------------

export interface TestSetSplitPreview {
  seed: number;
  publicFraction: number;
  public: number;
  private: number;
  perClass: Array<{ label: number; className: string; total: number; public: number; private: number }>;
}

export interface TestSetPreview {
  testSet: {
    id: string;
    name: string;
    format: string;
    count: number;
    /** [height, width, channels] */
    shape: number[];
    height: number;
    width: number;
    channels: number;
    classNames: string[];
    perClassCounts: number[];
    createdAt: string;
  };
  /** A few images of each class (the first of the class in the set), as PNG data: URLs. */
  samples: Array<{ label: number; className: string; images: string[] }>;
  /** Public/private counts with the competition's seed and public fraction; null without a competition. */
  split: TestSetSplitPreview | null;
  /** Problems that do not stop the set from being used (imbalance, few images, ...). */
  warnings: string[];
}

/** At most this many sample images, and this many decoded bytes of them, per preview. */
const MAX_SAMPLES = 48;
const MAX_SAMPLE_PIXEL_BYTES = 2 * 1024 * 1024;
const SAMPLES_PER_CLASS = 4;
const MAX_SAMPLE_CLASSES = 32;

function pngDataUrl(stored: StoredTestSet, index: number): string {
  const [height, width, channels] = stored.shape;
  const start = index * height * width * channels;
  return imagePngDataUrl(stored.images.subarray(start, start + height * width * channels), width, height, channels);
}

/** One image (HWC bytes, 1 or 3 channels) as a PNG data: URL. */
export function imagePngDataUrl(pixels: Uint8Array, width: number, height: number, channels = 1): string {
  const png = new PNG({ width, height });
  for (let p = 0; p < height * width; p++) {
    const at = p * channels;
    const r = pixels[at];
    png.data[p * 4] = r;
    png.data[p * 4 + 1] = channels === 3 ? pixels[at + 1] : r;
    png.data[p * 4 + 2] = channels === 3 ? pixels[at + 2] : r;
    png.data[p * 4 + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString("base64")}`;
}

/** The first images of each class, as many per class as the budgets allow (at least one). */
export function sampleImages(stored: StoredTestSet): TestSetPreview["samples"] {
  const [height, width, channels] = stored.shape;
  const classes = Math.min(stored.classNames.length, MAX_SAMPLE_CLASSES);
  const byBudget = Math.floor(MAX_SAMPLE_PIXEL_BYTES / Math.max(1, height * width * channels));
  const perClass = Math.max(1, Math.min(SAMPLES_PER_CLASS, Math.floor(Math.min(MAX_SAMPLES, byBudget) / Math.max(1, classes))));
  const picked: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < stored.count; i++) {
    const label = stored.labels[i];
    if (label < classes && picked[label].length < perClass) picked[label].push(i);
  }
  return picked.map((indices, label) => ({ label, className: stored.classNames[label], images: indices.map((index) => pngDataUrl(stored, index)) }));
}

/** Counts per class for the public and private parts, as splitPublicPrivate cuts them. */
export function splitPreview(labels: ArrayLike<number>, classNames: string[], seed: number, publicFraction: number): TestSetSplitPreview {
  const split = splitPublicPrivate(labels, { seed, publicFraction, numClasses: classNames.length });
  return {
    seed,
    publicFraction,
    public: split.counts.public,
    private: split.counts.private,
    perClass: split.counts.perClass.map((row) => ({ ...row, className: classNames[row.label] })),
  };
}

export function buildTestSetPreview(row: TestSet, stored: StoredTestSet, options: { competition?: { splitSeed: number; publicFraction: number } | null; warnings?: string[] } = {}): TestSetPreview {
  const [height, width, channels] = row.shape;
  return {
    testSet: {
      id: row.id,
      name: row.name,
      format: row.format,
      count: row.count,
      shape: row.shape,
      height,
      width,
      channels,
      classNames: row.classNames,
      perClassCounts: row.perClassCounts,
      createdAt: row.createdAt.toISOString(),
    },
    samples: sampleImages(stored),
    split: options.competition ? splitPreview(stored.labels, row.classNames, options.competition.splitSeed, options.competition.publicFraction) : null,
    warnings: options.warnings ?? [],
  };
}

/** The preview of a stored test set (read back from its blob). */
export async function loadTestSetPreview(prisma: PrismaClient, testSetId: string, competition?: { splitSeed: number; publicFraction: number } | null): Promise<TestSetPreview | null> {
  const row = await prisma.testSet.findUnique({ where: { id: testSetId } });
  if (!row) return null;
  const stored = decodeTestSet(await getBlob(prisma, row.blobSha256));
  return buildTestSetPreview(row, stored, { competition });
}

// ---------------------------------------------------------------------------------------------
// Attaching: a competition's test set may change only before its first submission.
// ---------------------------------------------------------------------------------------------

/** Submissions that count for the rule (cancelled ones were never scored). */
export function countSubmissions(tx: Tx, competitionId: string): Promise<number> {
  return tx.submission.count({ where: { competitionId, status: { not: "CANCELLED" } } });
}

export function testSetLockedError(submissions: number): AppError {
  return new AppError(
    "CONFLICT",
    `The hidden test set can no longer be changed: this competition already has ${submissions} submission${submissions === 1 ? "" : "s"}, scored on the current set. ` +
      "Test sets can be attached or replaced only before the first submission. Create a new competition for a new test set.",
    { field: "testSetId", submissions },
  );
}

/**
 * A test set fits a competition when its images have the dataset's shape (models and the
 * definition track's training data are that shape) and it has the dataset's number of classes.
 */
export function testSetMismatch(testSet: Pick<TestSet, "shape" | "classNames">, datasetId: string): string | null {
  if (!isDatasetName(datasetId)) return null;
  const spec = getDatasetSpec(datasetId);
  if (testSet.shape.join("x") !== spec.shape.join("x")) {
    return `The test set's images are ${testSet.shape.join("x")} (height x width x channels), but ${spec.title} models take ${spec.shape.join("x")}. Upload images of that size and colour format, or choose another dataset.`;
  }
  if (testSet.classNames.length !== spec.numClasses) {
    return `The test set has ${testSet.classNames.length} classes, but ${spec.title} models predict ${spec.numClasses}. Label the images with ${spec.numClasses} classes (0..${spec.numClasses - 1}), or choose another dataset.`;
  }
  return null;
}

/**
 * `PUT /api/v1/competitions/{slug}/test-set` and `holdout test-set add`: uploads a test set into the
 * competition's course and attaches it in one step. Refused (CONFLICT) once the competition has a
 * submission; checked before the files are parsed, and again when attaching.
 */
export async function replaceCompetitionTestSet(prisma: PrismaClient, actorId: string, competitionId: string, name: string | undefined, files: CustomFile[]): Promise<TestSetPreview> {
  const competition = await prisma.competition.findUnique({ where: { id: competitionId } });
  if (!competition) throw new AppError("NOT_FOUND", "This competition does not exist any more.");
  await requireCourseInstructor(prisma, actorId, competition.courseId, "change the hidden test set");
  const before = await countSubmissions(prisma, competition.id);
  if (before > 0) throw testSetLockedError(before);
  const { testSet, warnings, stored } = await createTestSet(prisma, actorId, competition.courseId, name?.trim() || defaultTestSetName(files), files, { fitDatasetId: competition.datasetId });
  await attachTestSet(prisma, actorId, competition.id, testSet.id);
  return buildTestSetPreview(testSet, stored, { competition, warnings });
}

/** Attaches one of the course's test sets (or null: the dataset's official one) to a competition without submissions. */
export async function attachTestSet(prisma: PrismaClient, actorId: string, competitionId: string, testSetId: string | null): Promise<void> {
  await prisma.$transaction(async (tx) => {
    // Serialize with submissions being created for this competition: lock its row.
    const locked = await tx.$queryRaw<Array<{ id: string; courseId: string; testSetId: string | null; datasetId: string }>>`SELECT "id", "courseId", "testSetId", "datasetId" FROM "Competition" WHERE "id" = ${competitionId} FOR UPDATE`;
    const competition = locked[0];
    if (!competition) throw new AppError("NOT_FOUND", "This competition does not exist any more.");
    await requireCourseInstructor(tx, actorId, competition.courseId, "change the hidden test set");
    if (competition.testSetId === testSetId) return;
    const submissions = await countSubmissions(tx, competitionId);
    if (submissions > 0) throw testSetLockedError(submissions);
    if (testSetId) {
      const testSet = await tx.testSet.findUnique({ where: { id: testSetId } });
      if (!testSet || testSet.courseId !== competition.courseId) throw new AppError("BAD_REQUEST", "That test set is not one of this course's test sets.", { field: "testSetId" });
      const mismatch = testSetMismatch(testSet, competition.datasetId);
      if (mismatch) throw new AppError("UNPROCESSABLE", mismatch, { field: "testSetId", errors: [mismatch] });
    }
    await tx.competition.update({ where: { id: competitionId }, data: { testSetId } });
    await recordAudit(tx, { actorId, courseId: competition.courseId, action: "competition.test-set.attach", targetType: "Competition", targetId: competitionId, details: { from: competition.testSetId, to: testSetId } });
  });
}

/**
 * Deletes one of the course's hidden test sets, only while no competition uses it (a competition's
 * scores rest on its set). Instructors of the course only; audited as "test-set.delete". Its
 * stored bytes go when the worker next cleans up files nothing refers to.
 */
export async function deleteTestSet(prisma: PrismaClient, actorId: string, testSetId: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const testSet = await tx.testSet.findUnique({ where: { id: testSetId }, include: { competitions: { select: { slug: true, title: true } } } });
    if (!testSet) throw new AppError("NOT_FOUND", "That test set does not exist any more.");
    await requireCourseInstructor(tx, actorId, testSet.courseId, "delete hidden test sets");
    // Serialize with attaching: lock the set's row, then look again.
    await tx.$queryRaw`SELECT "id" FROM "TestSet" WHERE "id" = ${testSetId} FOR UPDATE`;
    const attached = await tx.competition.findMany({ where: { testSetId }, select: { slug: true, title: true } });
    if (attached.length > 0) {
      throw new AppError(
        "CONFLICT",
        `The test set "${testSet.name}" is attached to ${attached.length === 1 ? "the competition" : "the competitions"} ${attached.map((c) => `"${c.title}" (${c.slug})`).join(", ")}, so it cannot be deleted: their scores rest on it. ` +
          "Attach another set to them first (possible only before their first submission), or keep it.",
        { competitions: attached.map((c) => c.slug) },
      );
    }
    await tx.testSet.delete({ where: { id: testSetId } });
    await recordAudit(tx, { actorId, courseId: testSet.courseId, action: "test-set.delete", targetType: "TestSet", targetId: testSetId, details: { name: testSet.name, count: testSet.count } });
  });
}

/** The course's hidden test sets with the competitions using each, newest first (instructors' course page). */
export async function courseTestSets(prisma: PrismaClient, actorId: string, courseId: string) {
  await requireCourseInstructor(prisma, actorId, courseId, "see the course's hidden test sets");
  return prisma.testSet.findMany({
    where: { courseId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, format: true, count: true, shape: true, createdAt: true, competitions: { select: { slug: true, title: true } }, digitCollections: { select: { id: true, name: true } } },
  });
}
