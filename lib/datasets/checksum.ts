/** Checksums and the check of one dataset file copy against its official checksum. */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { DatasetFile } from "./registry";
import { gunzipIfNeeded, isGzip } from "./loaders/idx";
import { DatasetFileError } from "./loaders/errors";

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function md5Hex(data: Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

export type CopyStatus = "ok" | "mismatch" | "corrupt" | "unreadable";

export type CheckedCopy =
  | { status: "ok"; path: string; content: Uint8Array; sha256: string; compressed: boolean }
  | { status: Exclude<CopyStatus, "ok">; path: string; message: string; sha256?: string };

/**
 * Checks raw bytes of a copy of `file` (raw or gzip) against the official sha256 of the
 * uncompressed content. Only an "ok" result carries the content; anything else must not be used.
 */
export function checkCopy(path: string, data: Uint8Array, file: DatasetFile, hint: string): CheckedCopy {
  const compressed = isGzip(data);
  let content: Uint8Array;
  try {
    // Cap decompression a little above the official size: a bigger file cannot be right.
    content = gunzipIfNeeded(data, path, { maxBytes: file.bytes + 1, hint });
  } catch (error) {
    const message = error instanceof DatasetFileError && !/decompresses to more/.test(error.message)
      ? error.message
      : `${path}: decompresses to more than the ${file.bytes} bytes of the official ${file.name}, so it is not the official file; it was not used. ${capitalize(hint)}.`;
    return { status: "corrupt", path, message };
  }
  if (content.length !== file.bytes) {
    const how = content.length < file.bytes ? "The file is truncated" : "The file is too long";
    return {
      status: "corrupt",
      path,
      message: `${path}: expected ${file.bytes} bytes${compressed ? " after decompression" : ""} (official ${file.name}), found ${content.length}. ${how}; it was not used. ${capitalize(hint)}.`,
    };
  }
  const sha = sha256Hex(content);
  if (sha !== file.sha256) {
    return {
      status: "mismatch",
      path,
      sha256: sha,
      message: `${path}: checksum mismatch: the sha256 of its ${compressed ? "decompressed " : ""}content is ${sha}, the official ${file.name} has ${file.sha256}. The file is damaged or not the official one; it was not used. ${capitalize(hint)}.`,
    };
  }
  return { status: "ok", path, content, sha256: sha, compressed };
}

export async function checkCopyAt(path: string, file: DatasetFile, hint: string): Promise<CheckedCopy> {
  let data: Uint8Array;
  try {
    data = await readFile(path);
  } catch (error) {
    return { status: "unreadable", path, message: `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).` };
  }
  return checkCopy(path, data, file, hint);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
