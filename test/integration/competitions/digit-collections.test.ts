/**
 * Draw-your-own digits in the library, on a real database: who may draw when, the server's own
 * preprocessing of the raw canvas bytes, counts per class, deleting bad drawings, and a test set
 * made through the uploaded sets' parser that the competition can use. Also: deleting a hidden
 * test set only while no competition uses it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachTestSet, deleteTestSet, loadTestSetPreview } from "@/lib/competitions/test-sets";
import { addDrawnDigit, collectionDigits, createDigitCollection, deleteDrawnDigit, getDigitCollection, listDigitCollections, makeTestSetFromCollection, updateDigitCollection } from "@/lib/competitions/digit-collections";
import { decodeTestSet } from "@/lib/competitions/test-set-format";
import { preprocessDrawing } from "@/lib/datasets/drawn-digits";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { getBlob } from "@/lib/storage/blobs";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { DIGIT_STROKES, strokeImage } from "@/test/helpers/drawing";

let database: TestDatabase;
let courseId: string;
let instructorId: string;
let studentId: string;
let taId: string;
let outsiderId: string;

const drawing = (label: number, paper = 0) => ({ label, width: 280, height: 280, pixels: Buffer.from(strokeImage(DIGIT_STROKES[label], 10, 280, 280, paper)).toString("base64") });

beforeAll(async () => {
  database = await createTestDatabase();
  ({ courseId } = await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] }));
  const prisma = database.prisma;
  instructorId = (await prisma.user.findUniqueOrThrow({ where: { email: "instructor@holdout.test" } })).id;
  studentId = (await prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } })).id;
  taId = (await prisma.user.create({ data: { email: "tara@uni.test", name: "Tara", enrollments: { create: { courseId, role: "TA" } } } })).id;
  const other = await prisma.course.create({ data: { name: "Other", joinCode: "OTHER-1" } });
  outsiderId = (await prisma.user.create({ data: { email: "olga@uni.test", name: "Olga", role: "INSTRUCTOR", enrollments: { create: { courseId: other.id, role: "INSTRUCTOR" } } } })).id;
});
afterAll(() => database?.drop());

describe("digit collections", () => {
  it("instructors create and draw; the server preprocesses the raw bytes itself; students draw only while allowed", async () => {
    const prisma = database.prisma;
    await expect(createDigitCollection(prisma, studentId, courseId, { name: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createDigitCollection(prisma, outsiderId, courseId, { name: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createDigitCollection(prisma, instructorId, courseId, { name: " " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const collection = await createDigitCollection(prisma, instructorId, courseId, { name: "Week 3 digits" });
    expect(collection).toMatchObject({ name: "Week 3 digits", studentsMayDraw: false, openToStudents: false, count: 0 });

    const added = await addDrawnDigit(prisma, instructorId, collection.id, drawing(3));
    const stored = await prisma.drawnDigit.findUniqueOrThrow({ where: { id: added.digit.id } });
    // Exactly the library's preprocessing of the raw canvas bytes, stored as 784 bytes.
    expect(Array.from(stored.pixels)).toEqual(Array.from(preprocessDrawing({ width: 280, height: 280, pixels: strokeImage(DIGIT_STROKES[3], 10) }).pixels));
    expect(stored).toMatchObject({ label: 3, authorId: instructorId });
    expect(added.perClassCounts[3]).toBe(1);
    expect(added.digit.image).toMatch(/^data:image\/png;base64,/);
    // Dark ink on light paper gives the same digit.
    const light = await addDrawnDigit(prisma, instructorId, collection.id, drawing(3, 255));
    expect(Array.from((await prisma.drawnDigit.findUniqueOrThrow({ where: { id: light.digit.id } })).pixels)).toEqual(Array.from(stored.pixels));

    // Bad input: wrong label, wrong byte count, not base64, blank canvas.
    await expect(addDrawnDigit(prisma, instructorId, collection.id, { ...drawing(3), label: 12 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(addDrawnDigit(prisma, instructorId, collection.id, { ...drawing(3), width: 279 })).rejects.toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining("needs 78120 grayscale bytes") });
    await expect(addDrawnDigit(prisma, instructorId, collection.id, { ...drawing(3), pixels: "not base64!" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(addDrawnDigit(prisma, instructorId, collection.id, { ...drawing(3), pixels: Buffer.alloc(280 * 280).toString("base64") })).rejects.toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining("empty") });

    // Students and TAs: not until the instructor lets them; then until the date; never outsiders.
    await expect(addDrawnDigit(prisma, studentId, collection.id, drawing(1))).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("Ask an instructor") });
    await expect(addDrawnDigit(prisma, outsiderId, collection.id, drawing(1))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateDigitCollection(prisma, studentId, collection.id, { studentsMayDraw: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await updateDigitCollection(prisma, instructorId, collection.id, { studentsMayDraw: true, studentsUntil: new Date(Date.now() + 3_600_000).toISOString() });
    const byStudent = await addDrawnDigit(prisma, studentId, collection.id, drawing(1));
    expect(byStudent.drawnByYou).toBe(1);
    await addDrawnDigit(prisma, taId, collection.id, drawing(7));

    // Students see counts and their own number, never the drawings; the TA sees them all.
    const asStudent = await getDigitCollection(prisma, studentId, collection.id);
    expect(asStudent).toMatchObject({ count: 4, digits: [], viewer: { mayDraw: true, mayManage: false, drawnByYou: 1 } });
    const asTa = await getDigitCollection(prisma, taId, collection.id);
    expect(asTa.digits.map((d) => d.label).sort()).toEqual([1, 3, 3, 7]);
    await expect(deleteDrawnDigit(prisma, taId, byStudent.digit.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getDigitCollection(prisma, outsiderId, collection.id)).rejects.toMatchObject({ code: "NOT_FOUND" });

    // Closed: students stop; the instructor still draws.
    await updateDigitCollection(prisma, instructorId, collection.id, { close: true });
    await expect(addDrawnDigit(prisma, studentId, collection.id, drawing(2))).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("closed") });
    await addDrawnDigit(prisma, instructorId, collection.id, drawing(2));

    // A bad drawing is deleted by an instructor.
    await deleteDrawnDigit(prisma, instructorId, light.digit.id);
    const [listed] = await listDigitCollections(prisma, instructorId, courseId);
    expect(listed).toMatchObject({ count: 4, perClassCounts: [0, 1, 1, 1, 0, 0, 0, 1, 0, 0], openToStudents: false });
    await expect(listDigitCollections(prisma, studentId, courseId)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await prisma.auditLog.count({ where: { action: { startsWith: "digits." } } })).toBeGreaterThanOrEqual(4);
  });

  it("makes a test set of the stored digits, in drawing order, that attaches to an MNIST competition; deleting it is refused while attached", async () => {
    const prisma = database.prisma;
    const collection = await createDigitCollection(prisma, instructorId, courseId, { name: "All ten" });
    await expect(makeTestSetFromCollection(prisma, instructorId, collection.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("no drawings") });
    for (const label of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 4]) await addDrawnDigit(prisma, instructorId, collection.id, drawing(label));
    await expect(makeTestSetFromCollection(prisma, studentId, collection.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const preview = await makeTestSetFromCollection(prisma, instructorId, collection.id);
    expect(preview.testSet).toMatchObject({ name: "Drawn: All ten", count: 11, shape: [28, 28, 1], classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], perClassCounts: [1, 1, 1, 1, 2, 1, 1, 1, 1, 1] });
    expect((await prisma.digitCollection.findUniqueOrThrow({ where: { id: collection.id } })).testSetId).toBe(preview.testSet.id);

    // The stored set holds exactly the collection's digits.
    const row = await prisma.testSet.findUniqueOrThrow({ where: { id: preview.testSet.id } });
    const stored = decodeTestSet(await getBlob(prisma, row.blobSha256));
    const digits = await collectionDigits(prisma, instructorId, collection.id);
    expect(Array.from(stored.labels)).toEqual(digits.map((d) => d.label));
    digits.forEach((digit, i) => expect(Array.from(stored.images.subarray(i * 784, (i + 1) * 784))).toEqual(Array.from(digit.pixels)));

    // Attached to a competition without submissions, like an uploaded set.
    const competition = await prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
    await prisma.submission.deleteMany({ where: { competitionId: competition.id } });
    await attachTestSet(prisma, instructorId, competition.id, row.id);
    expect((await loadTestSetPreview(prisma, row.id, competition))!.split!.public + (await loadTestSetPreview(prisma, row.id, competition))!.split!.private).toBe(11);

    // Deleting: refused while attached (with the competition named), by students, and for outsiders; then allowed.
    await expect(deleteTestSet(prisma, instructorId, row.id)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining(`(${competition.slug})`) });
    await expect(deleteTestSet(prisma, studentId, row.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(deleteTestSet(prisma, outsiderId, row.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await attachTestSet(prisma, instructorId, competition.id, null);
    await deleteTestSet(prisma, instructorId, row.id);
    expect(await prisma.testSet.count({ where: { id: row.id } })).toBe(0);
    // The collection stays, without its set; a new one can be made.
    expect((await prisma.digitCollection.findUniqueOrThrow({ where: { id: collection.id } })).testSetId).toBeNull();
    expect(await prisma.auditLog.count({ where: { action: "test-set.delete", targetId: row.id } })).toBe(1);
    await expect(deleteTestSet(prisma, instructorId, row.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
