import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@/lib/db";

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
  // A blob stored again restarts its age: an old orphan (its submission deleted) that is about to
  // be referenced again must not be taken by deleteOrphanBlobs before the new row refers to it.
  // Under a concurrent delete, PostgreSQL's upsert either waits and inserts anew or updates first
  // (and the delete, re-checking the row, then sees it young). The bytes are not rewritten.
  await tx.$executeRaw`INSERT INTO "Blob" ("sha256", "size", "data") VALUES (${digest}, ${data.byteLength}, ${Buffer.from(data.buffer, data.byteOffset, data.byteLength)}) ON CONFLICT ("sha256") DO UPDATE SET "createdAt" = CURRENT_TIMESTAMP`;
  return { sha256: digest, size: data.byteLength };
}

export async function getBlob(tx: Tx, digest: string): Promise<Uint8Array> {
  const blob = await tx.blob.findUnique({ where: { sha256: digest } });
  if (!blob) throw new Error(`stored file ${digest.slice(0, 12)}… is missing`);
  return new Uint8Array(blob.data);
}

/**
 * Removes blobs nothing refers to any more (e.g. the files of deleted submissions). "Refers" is
 * read from the database itself: every foreign key that points at "Blob" (SubmissionFile,
 * TestSet, and any table added later) is checked, and the foreign keys still refuse a delete
 * that races a new reference. Blobs younger than `olderThan` are kept, so a blob written just
 * before the row that refers to it is never taken. Returns how many were deleted.
 */
export async function deleteOrphanBlobs(tx: Tx, options: { olderThan?: Date } = {}): Promise<number> {
  const references = await tx.$queryRaw<Array<{ tbl: string; col: string }>>`
    SELECT c.conrelid::regclass::text AS tbl, quote_ident(a.attname) AS col
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    WHERE c.contype = 'f' AND c.confrelid = '"Blob"'::regclass AND array_length(c.conkey, 1) = 1`;
  const unreferenced = references.map((ref) => `NOT EXISTS (SELECT 1 FROM ${ref.tbl} r WHERE r.${ref.col} = b."sha256")`);
  const olderThan = options.olderThan ?? new Date();
  // Identifiers come from the catalog (regclass and quote_ident quote them); the date is a parameter.
  return tx.$executeRawUnsafe(`DELETE FROM "Blob" b WHERE b."createdAt" < $1 ${unreferenced.map((clause) => `AND ${clause}`).join(" ")}`, olderThan);
}
