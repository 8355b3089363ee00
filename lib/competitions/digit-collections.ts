import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { can, courseRefusal } from "@/lib/courses/permissions";
import { DIGIT_SIDE, DrawingError, drawnDigitsAsIdx, preprocessDrawing } from "@/lib/datasets/drawn-digits";
import type { DigitCollection, Enrollment, PrismaClient } from "@/lib/db";
import { AppError, parseInput } from "@/lib/errors";
import { buildTestSetPreview, createTestSet, imagePngDataUrl, type TestSetPreview } from "./test-sets";

/**
 * Draw-your-own digits: a course's collection of digits drawn on a canvas by its instructors (and,
 * when allowed, its students and TAs until a date), preprocessed as MNIST was made
 * (lib/datasets/drawn-digits.ts) and turned into a hidden test set nobody has trained on.
 *
 * Who may do what (lib/courses/permissions.ts roles):
 * - instructors ("manage"): create, change and close collections, draw at any time, delete
 *   drawings, make test sets; see every drawing.
 * - TAs ("see"): see every drawing; draw like students.
 * - students and TAs: draw while the collection lets students draw (studentsMayDraw, before
 *   closedAt); they see only how many digits they drew.
 * - anyone outside the course: answered as if the collection did not exist (404).
 */

/** Most drawings per collection (a test set of 10,000 digits is MNIST's own test set size). */
export const MAX_DIGITS_PER_COLLECTION = 10_000;

export const digitCollectionInputSchema = z.object({
  name: z.string({ error: "Give the collection a name, like \"Week 3 digits\"." }).trim().min(1, "Give the collection a name, like \"Week 3 digits\".").max(100, "Keep the name under 100 characters."),
  studentsMayDraw: z.boolean({ error: "studentsMayDraw is true or false." }).optional().default(false),
  /** Students (and TAs) may draw until then; absent or null: until the collection is closed. */
  studentsUntil: z
    .preprocess((value) => (value === "" ? null : typeof value === "string" ? new Date(value) : value), z.date({ error: "studentsUntil is a date and time, like 2026-03-01T09:00:00Z." }).nullable())
    .optional(),
});
export type DigitCollectionInput = z.input<typeof digitCollectionInputSchema>;

export const digitCollectionUpdateSchema = z
  .object({
    name: digitCollectionInputSchema.shape.name.optional(),
    studentsMayDraw: z.boolean({ error: "studentsMayDraw is true or false." }).optional(),
    studentsUntil: digitCollectionInputSchema.shape.studentsUntil,
    /** Stops students drawing now (sets studentsUntil to now). */
    close: z.literal(true, { error: "close is true (to stop students drawing now)." }).optional(),
  })
  .strict();
export type DigitCollectionUpdate = z.input<typeof digitCollectionUpdateSchema>;

/** A drawing as it arrives: the canvas's raw grayscale bytes (base64 through JSON). */
export const drawingInputSchema = z.object({
  label: z.number({ error: "The label is the digit drawn, a whole number 0..9." }).int("The label is the digit drawn, a whole number 0..9.").min(0, "The label is the digit drawn, 0..9.").max(9, "The label is the digit drawn, 0..9."),
  width: z.number({ error: "width is the canvas's width in pixels." }).int("width is a whole number of pixels."),
  height: z.number({ error: "height is the canvas's height in pixels." }).int("height is a whole number of pixels."),
  /** width * height grayscale bytes, row by row, base64; 0 paper and 255 ink, or the other way round. */
  pixels: z.string({ error: "pixels is the canvas's grayscale bytes (width x height, row by row), base64-encoded." }).max(2 * 1024 * 1024, "pixels is too long: at most a 1024x1024 canvas."),
});
export type DrawingInput = z.input<typeof drawingInputSchema>;

export const makeTestSetInputSchema = z
  .object({ name: z.string({ error: "The test set's name is text." }).trim().max(100, "Keep the test set's name under 100 characters.").optional() })
  .strict();
export type MakeTestSetInput = z.input<typeof makeTestSetInputSchema>;

export interface DigitCollectionSummary {
  id: string;
  courseId: string;
  name: string;
  studentsMayDraw: boolean;
  /** When students stop drawing (null: until closed). */
  studentsUntil: string | null;
  /** Students (and TAs) may draw now. */
  openToStudents: boolean;
  count: number;
  /** Digits per class, 0..9. */
  perClassCounts: number[];
  /** The test set last made from the collection, if any. */
  testSetId: string | null;
  createdAt: string;
}

export interface DrawnDigitView {
  id: string;
  label: number;
  author: string | null;
  createdAt: string;
  /** The 28x28 preprocessed digit as a PNG data: URL. */
  image: string;
  /** The same 784 bytes (row by row, white on black), base64. */
  pixels: string;
}

export interface DigitCollectionDetail extends DigitCollectionSummary {
  /** For instructors and TAs: every drawing (or the newest `digitsLimit`), newest first. Empty for students. */
  digits: DrawnDigitView[];
  /** For the caller: what they may do, and how many digits they drew. */
  viewer: { role: Enrollment["role"]; mayDraw: boolean; mayManage: boolean; drawnByYou: number };
}

export function openToStudents(collection: Pick<DigitCollection, "studentsMayDraw" | "closedAt">, now = new Date()): boolean {
  return collection.studentsMayDraw && (collection.closedAt === null || collection.closedAt > now);
}

function mayDraw(role: Enrollment["role"], collection: Pick<DigitCollection, "studentsMayDraw" | "closedAt">): boolean {
  return can(role, "manage") || openToStudents(collection);
}

async function perClass(prisma: PrismaClient, collectionIds: string[]): Promise<Map<string, number[]>> {
  const rows = await prisma.drawnDigit.groupBy({ by: ["collectionId", "label"], where: { collectionId: { in: collectionIds } }, _count: { _all: true } });
  const out = new Map<string, number[]>(collectionIds.map((id) => [id, new Array<number>(10).fill(0)]));
  for (const row of rows) if (row.label >= 0 && row.label <= 9) out.get(row.collectionId)![row.label] = row._count._all;
  return out;
}

function summary(collection: DigitCollection, counts: number[]): DigitCollectionSummary {
  return {
    id: collection.id,
    courseId: collection.courseId,
    name: collection.name,
    studentsMayDraw: collection.studentsMayDraw,
    studentsUntil: collection.closedAt?.toISOString() ?? null,
    openToStudents: openToStudents(collection),
    count: counts.reduce((sum, n) => sum + n, 0),
    perClassCounts: counts,
    testSetId: collection.testSetId,
    createdAt: collection.createdAt.toISOString(),
  };
}

/**
 * The collection and the caller's enrolment in its course, when `action` is allowed; anyone
 * outside the course gets NOT_FOUND (as for a collection that does not exist), members without the
 * right FORBIDDEN.
 */
async function collectionFor(prisma: PrismaClient, actorId: string, collectionId: string, action: "participate" | "see" | "manage", doing: string) {
  const collection = await prisma.digitCollection.findUnique({ where: { id: collectionId } });
  const enrollment = collection ? await prisma.enrollment.findUnique({ where: { userId_courseId: { userId: actorId, courseId: collection.courseId } } }) : null;
  if (!collection || !enrollment) throw new AppError("NOT_FOUND", "No such digit collection in your courses. Check the collection id.");
  if (!can(enrollment.role, action)) throw courseRefusal(action, doing);
  return { collection, enrollment };
}

async function courseMember(prisma: PrismaClient, actorId: string, courseId: string, action: "see" | "manage", doing: string): Promise<Enrollment> {
  const enrollment = await prisma.enrollment.findUnique({ where: { userId_courseId: { userId: actorId, courseId } } });
  if (!enrollment) throw new AppError("NOT_FOUND", "No such course among your courses. Check the course id.");
  if (!can(enrollment.role, action)) throw courseRefusal(action, doing);
  return enrollment;
}

/** Creates a collection in a course. Instructors of the course only; audited as "digits.create". */
export async function createDigitCollection(prisma: PrismaClient, actorId: string, courseId: string, input: DigitCollectionInput): Promise<DigitCollectionSummary> {
  await courseMember(prisma, actorId, courseId, "manage", "create digit collections");
  const { name, studentsMayDraw, studentsUntil } = parseInput(digitCollectionInputSchema, input);
  const created = await prisma.$transaction(async (tx) => {
    const row = await tx.digitCollection.create({ data: { courseId, name, studentsMayDraw, closedAt: studentsUntil ?? null, createdById: actorId } });
    await recordAudit(tx, { actorId, courseId, action: "digits.create", targetType: "DigitCollection", targetId: row.id, details: { name, studentsMayDraw, studentsUntil } });
    return row;
  });
  return summary(created, new Array(10).fill(0));
}

/** The course's collections with their counts per class, oldest first. Its instructors and TAs. */
export async function listDigitCollections(prisma: PrismaClient, actorId: string, courseId: string): Promise<DigitCollectionSummary[]> {
  await courseMember(prisma, actorId, courseId, "see", "see the course's digit collections");
  const rows = await prisma.digitCollection.findMany({ where: { courseId }, orderBy: { createdAt: "asc" } });
  const counts = await perClass(prisma, rows.map((row) => row.id));
  return rows.map((row) => summary(row, counts.get(row.id)!));
}

/** Collections the course's students (and TAs) may draw in now: for the course list. */
export async function collectionsOpenToStudents(prisma: PrismaClient, courseIds: string[]): Promise<Array<Pick<DigitCollectionSummary, "id" | "courseId" | "name" | "studentsUntil">>> {
  const now = new Date();
  const rows = await prisma.digitCollection.findMany({ where: { courseId: { in: courseIds }, studentsMayDraw: true, OR: [{ closedAt: null }, { closedAt: { gt: now } }] }, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({ id: row.id, courseId: row.courseId, name: row.name, studentsUntil: row.closedAt?.toISOString() ?? null }));
}

/** One collection. Staff see every drawing; students only counts and their own number of drawings. */
export async function getDigitCollection(prisma: PrismaClient, actorId: string, collectionId: string, options: { digitsLimit?: number } = {}): Promise<DigitCollectionDetail> {
  const { collection, enrollment } = await collectionFor(prisma, actorId, collectionId, "participate", "see this digit collection");
  const counts = (await perClass(prisma, [collection.id])).get(collection.id)!;
  const staff = can(enrollment.role, "see");
  const digits = staff
    ? await prisma.drawnDigit.findMany({ where: { collectionId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: options.digitsLimit, include: { author: { select: { name: true } } } })
    : [];
  const drawnByYou = await prisma.drawnDigit.count({ where: { collectionId, authorId: actorId } });
  return {
    ...summary(collection, counts),
    digits: digits.map((digit) => ({ id: digit.id, label: digit.label, author: digit.author?.name ?? null, createdAt: digit.createdAt.toISOString(), image: imagePngDataUrl(digit.pixels, DIGIT_SIDE, DIGIT_SIDE), pixels: Buffer.from(digit.pixels).toString("base64") })),
    viewer: { role: enrollment.role, mayDraw: mayDraw(enrollment.role, collection), mayManage: can(enrollment.role, "manage"), drawnByYou },
  };
}

/** The stored (preprocessed) digits of a collection in drawing order, for its instructors and TAs. */
export async function collectionDigits(prisma: PrismaClient, actorId: string, collectionId: string): Promise<Array<{ id: string; label: number; pixels: Uint8Array }>> {
  await collectionFor(prisma, actorId, collectionId, "see", "see the drawn digits");
  const rows = await prisma.drawnDigit.findMany({ where: { collectionId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, label: true, pixels: true } });
  return rows.map((row) => ({ id: row.id, label: row.label, pixels: new Uint8Array(row.pixels) }));
}

/** Changes a collection's name or students' drawing window, or closes it to students now. Instructors only. */
export async function updateDigitCollection(prisma: PrismaClient, actorId: string, collectionId: string, input: DigitCollectionUpdate): Promise<DigitCollectionSummary> {
  const { collection } = await collectionFor(prisma, actorId, collectionId, "manage", "change digit collections");
  const update = parseInput(digitCollectionUpdateSchema, input);
  const data: { name?: string; studentsMayDraw?: boolean; closedAt?: Date | null } = {};
  if (update.name !== undefined) data.name = update.name;
  if (update.studentsMayDraw !== undefined) data.studentsMayDraw = update.studentsMayDraw;
  if (update.studentsUntil !== undefined) data.closedAt = update.studentsUntil;
  if (update.close) data.closedAt = new Date();
  const updated = await prisma.$transaction(async (tx) => {
    const row = await tx.digitCollection.update({ where: { id: collectionId }, data });
    await recordAudit(tx, { actorId, courseId: collection.courseId, action: update.close ? "digits.close" : "digits.update", targetType: "DigitCollection", targetId: collectionId, details: data });
    return row;
  });
  return summary(updated, (await perClass(prisma, [collectionId])).get(collectionId)!);
}

/**
 * Adds one drawing: the canvas's raw grayscale bytes are checked and preprocessed here (never by
 * the browser), and the 28x28 result is stored. Instructors at any time; TAs and students while
 * the collection lets students draw.
 */
export async function addDrawnDigit(prisma: PrismaClient, actorId: string, collectionId: string, input: DrawingInput): Promise<{ digit: DrawnDigitView; perClassCounts: number[]; drawnByYou: number }> {
  const { collection, enrollment } = await collectionFor(prisma, actorId, collectionId, "participate", "draw digits");
  if (!mayDraw(enrollment.role, collection)) {
    throw new AppError(
      "FORBIDDEN",
      collection.studentsMayDraw ? "This collection no longer takes drawings from students: its drawing window has closed." : "Only instructors of this course draw in this collection. Ask an instructor to let students draw.",
    );
  }
  const drawing = parseInput(drawingInputSchema, input);
  const bytes = decodeBase64(drawing.pixels);
  let pixels: Uint8Array;
  try {
    pixels = preprocessDrawing({ width: drawing.width, height: drawing.height, pixels: bytes }).pixels;
  } catch (error) {
    if (error instanceof DrawingError) throw new AppError("UNPROCESSABLE", error.message, { field: "pixels" });
    throw error;
  }
  const digit = await prisma.$transaction(async (tx) => {
    // Serialize with other drawings to the same collection so the cap holds.
    await tx.$queryRaw`SELECT "id" FROM "DigitCollection" WHERE "id" = ${collectionId} FOR UPDATE`;
    const count = await tx.drawnDigit.count({ where: { collectionId } });
    if (count >= MAX_DIGITS_PER_COLLECTION) throw new AppError("CONFLICT", `This collection is full (${MAX_DIGITS_PER_COLLECTION} digits). Make a test set of it and start a new collection.`);
    return tx.drawnDigit.create({ data: { collectionId, label: drawing.label, pixels: Buffer.from(pixels), authorId: actorId }, include: { author: { select: { name: true } } } });
  });
  const counts = (await perClass(prisma, [collectionId])).get(collectionId)!;
  const drawnByYou = await prisma.drawnDigit.count({ where: { collectionId, authorId: actorId } });
  return {
    digit: { id: digit.id, label: digit.label, author: digit.author?.name ?? null, createdAt: digit.createdAt.toISOString(), image: imagePngDataUrl(pixels, DIGIT_SIDE, DIGIT_SIDE), pixels: Buffer.from(pixels).toString("base64") },
    perClassCounts: counts,
    drawnByYou,
  };
}

function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw new AppError("BAD_REQUEST", "pixels is not valid base64. Send the canvas's grayscale bytes (width x height, row by row) base64-encoded.", { field: "pixels" });
  }
  return new Uint8Array(Buffer.from(clean, "base64"));
}

/** Deletes a bad drawing. Instructors of the course only; audited as "digits.delete". */
export async function deleteDrawnDigit(prisma: PrismaClient, actorId: string, digitId: string): Promise<void> {
  const digit = await prisma.drawnDigit.findUnique({ where: { id: digitId }, select: { id: true, collectionId: true, label: true } });
  if (!digit) throw new AppError("NOT_FOUND", "That drawing does not exist any more.");
  const { collection } = await collectionFor(prisma, actorId, digit.collectionId, "manage", "delete drawings");
  await prisma.$transaction(async (tx) => {
    await tx.drawnDigit.delete({ where: { id: digitId } });
    await recordAudit(tx, { actorId, courseId: collection.courseId, action: "digits.delete", targetType: "DrawnDigit", targetId: digitId, details: { collectionId: collection.id, label: digit.label } });
  });
}

/**
 * Turns the collection's digits (as they are now) into one of the course's hidden test sets,
 * through the same parser and storage as an uploaded IDX pair, so the worker scores on it exactly
 * as on an uploaded set. Instructors of the course only. The collection remembers the set.
 */
export async function makeTestSetFromCollection(prisma: PrismaClient, actorId: string, collectionId: string, input: MakeTestSetInput = {}): Promise<TestSetPreview> {
  const { collection } = await collectionFor(prisma, actorId, collectionId, "manage", "make test sets");
  const { name } = parseInput(makeTestSetInputSchema, input);
  const digits = await prisma.drawnDigit.findMany({ where: { collectionId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { label: true, pixels: true } });
  if (digits.length === 0) throw new AppError("CONFLICT", "The collection has no drawings yet. Draw some digits first (ideally several of each digit).");
  const files = drawnDigitsAsIdx(digits.map((digit) => ({ label: digit.label, pixels: new Uint8Array(digit.pixels) })));
  const { testSet, warnings, stored } = await createTestSet(prisma, actorId, collection.courseId, name?.trim() || `Drawn: ${collection.name}`.slice(0, 100), files, { fitDatasetId: "mnist" });
  await prisma.digitCollection.update({ where: { id: collectionId }, data: { testSetId: testSet.id } });
  return buildTestSetPreview(testSet, stored, { warnings });
}
