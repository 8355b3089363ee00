import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "../db";

type Tx = Prisma.TransactionClient | PrismaClient;

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Uploaded bytes live in PostgreSQL, content-addressed by sha256, so every worker on every
 * machine reads them from the database it already has, and the same file uploaded twice is
 * stored once. (PostgreSQL's bytea takes up to 1 GB a value; uploads are capped far below.)
 */
export async function putBlob(tx: Tx, data: Uint8Array): Promise<{ sha256: string; size: number }> {
  const digest = sha256(data);
  await tx.$executeRaw`INSERT INTO "Blob" ("sha256", "size", "data") VALUES (${digest}, ${data.byteLength}, ${Buffer.from(data.buffer, data.byteOffset, data.byteLength)}) ON CONFLICT ("sha256") DO NOTHING`;
  return { sha256: digest, size: data.byteLength };
}

export async function getBlob(tx: Tx, digest: string): Promise<Uint8Array> {
  const blob = await tx.blob.findUnique({ where: { sha256: digest } });
  if (!blob) throw new Error(`stored file ${digest.slice(0, 12)}… is missing`);
  return new Uint8Array(blob.data);
}

/** Removes blobs no file or test set refers to any more. */
export async function deleteOrphanBlobs(tx: Tx): Promise<number> {
  return tx.$executeRaw`DELETE FROM "Blob" b WHERE NOT EXISTS (SELECT 1 FROM "SubmissionFile" f WHERE f."blobSha256" = b."sha256") AND NOT EXISTS (SELECT 1 FROM "TestSet" t WHERE t."blobSha256" = b."sha256")`;
}
