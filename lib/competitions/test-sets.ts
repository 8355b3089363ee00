import { parseCustomTestSet, type CustomFile } from "../../datasets";
import { AppError } from "../errors";
import type { PrismaClient, TestSet } from "../db";
import { recordAudit } from "../audit/record";
import { putBlob } from "../storage/blobs";
import { requireCourseInstructor } from "./permissions";
import { encodeTestSet } from "./test-set-format";

/**
 * An instructor's own hidden test set (an IDX pair, a CIFAR binary file, or a zip of PNG folders
 * named by class): fresh data nobody trained on, unlike the public MNIST/CIFAR test sets. It is
 * validated like the built-in sets, stored once in a compact form, and reported back (shape,
 * classes, balance) without ever showing its labels or images to students.
 */
export async function createTestSet(prisma: PrismaClient, actorId: string, courseId: string, name: string, files: CustomFile[]): Promise<{ testSet: TestSet; warnings: string[] }> {
  await requireCourseInstructor(prisma, actorId, courseId, "upload a test set");
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 100) throw new AppError("BAD_REQUEST", "Give the test set a name of 1 to 100 characters.");
  let parsed;
  try {
    parsed = parseCustomTestSet(files);
  } catch (error) {
    throw new AppError("UNPROCESSABLE", (error as Error).message);
  }
  const encoded = encodeTestSet({ count: parsed.count, shape: parsed.shape, classNames: parsed.classNames, labels: parsed.labels, images: parsed.images });
  const testSet = await prisma.$transaction(async (tx) => {
    const blob = await putBlob(tx, encoded);
    const created = await tx.testSet.create({
      data: {
        courseId,
        name: trimmed,
        format: parsed.report.format,
        blobSha256: blob.sha256,
        count: parsed.count,
        shape: parsed.shape,
        classNames: parsed.classNames,
        perClassCounts: parsed.report.perClassCounts,
      },
    });
    await recordAudit(tx, { actorId, courseId, action: "test-set.create", targetType: "TestSet", targetId: created.id, details: { name: trimmed, count: parsed.count, shape: parsed.shape, classes: parsed.classNames.length } });
    return created;
  });
  return { testSet, warnings: parsed.report.warnings };
}
