/**
 * A small, defensive zip reader for submitted archives (.keras files, zipped TF.js folders).
 *
 * Why not fflate's unzipSync: it trusts the sizes written in the archive and inflates every
 * entry in full. Here the central directory is checked first (entry count, declared sizes,
 * compression ratio, unsafe paths), and each entry is then inflated as a stream that stops as
 * soon as it produces more bytes than it declared or than the limit allows, so a zip bomb
 * costs at most the limit, whatever its headers claim.
 */
import { Inflate } from "fflate";
import { fail, formatBytes, formatCount } from "./errors";

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
  /** Applies to entries that decompress to more than 1 MiB (small JSON files compress 20x+). */
  maxCompressionRatio: number;
}

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const RATIO_CHECK_MIN_BYTES = 1024 * 1024;
const INFLATE_CHUNK = 64 * 1024;

export function isZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
}

/**
 * Reads every file entry of the archive (directories and macOS "__MACOSX/" metadata are
 * skipped). Names are returned as stored, after the safety check.
 */
export function readZip(data: Uint8Array, archiveName: string, limits: ZipLimits, wanted: (name: string) => boolean = () => true): Map<string, Uint8Array> {
  const entries = readCentralDirectory(data, archiveName, limits);
  const files = new Map<string, Uint8Array>();
  let produced = 0;
  for (const entry of entries) {
    if (entry.name.endsWith("/") || entry.name.startsWith("__MACOSX/") || !wanted(entry.name)) continue;
    const content = extractEntry(data, entry, archiveName, limits.maxUncompressedBytes - produced);
    produced += content.length;
    files.set(entry.name, content);
  }
  return files;
}

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  /** As declared by the archive: readZip never produces more than this. */
  uncompressedSize: number;
}

/**
 * The entries as the archive's central directory lists them, nothing decompressed and no limit
 * applied: for callers that check entries with rules of their own before calling readZip.
 * Throws MALFORMED_ZIP / UNSUPPORTED_FORMAT for an archive that cannot be read.
 */
export function listZipEntries(data: Uint8Array, archiveName: string): ZipEntryInfo[] {
  return parseCentralDirectory(data, archiveName).map(({ name, compressedSize, uncompressedSize }) => ({ name, compressedSize, uncompressedSize }));
}

function readCentralDirectory(data: Uint8Array, archiveName: string, limits: ZipLimits): CentralEntry[] {
  const entries = parseCentralDirectory(data, archiveName, limits.maxEntries);
  let declaredTotal = 0;
  for (const entry of entries) {
    checkEntryPath(entry.name, archiveName);
    if (entry.flags & 0x1) {
      fail("UNSUPPORTED_FORMAT", `${archiveName}: entry "${entry.name}" is encrypted (password-protected zip).`, {
        location: archiveName,
        hint: "Upload the archive without a password.",
      });
    }
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxUncompressedBytes) {
      fail("ZIP_TOO_LARGE", `${archiveName} would decompress to more than ${formatBytes(limits.maxUncompressedBytes)}.`, {
        location: archiveName,
        hint: "Submit only the model files; a course model is a few MiB.",
      });
    }
    checkRatio(entry.name, entry.uncompressedSize, entry.compressedSize, archiveName, limits);
  }
  return entries;
}

/** The central directory's entries, checked for structure only (and for count when a limit is given). */
function parseCentralDirectory(data: Uint8Array, archiveName: string, maxEntries = Infinity): CentralEntry[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const corrupt = (why: string): never =>
    fail("MALFORMED_ZIP", `${archiveName} is not a readable zip archive: ${why}.`, {
      location: archiveName,
      hint: "The upload may be truncated. Upload the file exactly as saved (model.save('model.keras')).",
    });

  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) corrupt("its end-of-archive record is missing");
  const entryCount = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (entryCount === 0xffff || directoryOffset === 0xffffffff) {
    fail("UNSUPPORTED_FORMAT", `${archiveName} is a ZIP64 archive (over 4 GiB or 65,535 entries), far larger than any course model.`, {
      location: archiveName,
    });
  }
  if (entryCount > maxEntries) {
    fail("ZIP_TOO_MANY_ENTRIES", `${archiveName} holds ${formatCount(entryCount)} entries; at most ${formatCount(maxEntries)} are accepted.`, {
      location: archiveName,
      hint: "A .keras file holds 3 entries; a zipped TF.js model holds model.json and its .bin shards. Remove other files.",
    });
  }
  if (directoryOffset + directorySize > eocd) corrupt("its central directory points past the end of the file");

  const entries: CentralEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < entryCount; i++) {
    if (at + 46 > data.length || view.getUint32(at, true) !== CENTRAL_SIGNATURE) corrupt(`central directory entry ${i + 1} is damaged`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localHeaderOffset = view.getUint32(at + 42, true);
    if (at + 46 + nameLength > data.length) corrupt(`central directory entry ${i + 1} is damaged`);
    const name = new TextDecoder().decode(data.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;

    entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
  }
  return entries;
}

/** Refuses absolute paths, "..", drive letters and backslash tricks ("zip slip"). */
function checkEntryPath(name: string, archiveName: string): void {
  const normalized = name.replace(/\\/g, "/");
  const unsafe =
    normalized.startsWith("/") ||
    /^[a-zA-Z]:/.test(normalized) ||
    normalized.split("/").some((part) => part === "..") ||
    name.includes("\0");
  if (unsafe) {
    fail("ZIP_UNSAFE_PATH", `${archiveName} contains an entry with an unsafe path "${name}" (absolute, or climbing out with "..").`, {
      location: archiveName,
      hint: "Create the archive from the model folder itself, with relative paths only.",
    });
  }
}

function checkRatio(name: string, uncompressed: number, compressed: number, archiveName: string, limits: ZipLimits): void {
  if (uncompressed < RATIO_CHECK_MIN_BYTES) return;
  if (compressed === 0 || uncompressed / compressed > limits.maxCompressionRatio) {
    fail(
      "ZIP_COMPRESSION_RATIO",
      `${archiveName}: entry "${name}" claims to expand ${compressed === 0 ? "from nothing" : `${Math.round(uncompressed / compressed)}x`} (to ${formatBytes(uncompressed)}); at most ${limits.maxCompressionRatio}x is accepted.`,
      { location: archiveName, hint: "Model weights barely compress; an archive like this is not a saved model." },
    );
  }
}

function extractEntry(data: Uint8Array, entry: CentralEntry, archiveName: string, budget: number): Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const where = `${archiveName} > ${entry.name}`;
  const at = entry.localHeaderOffset;
  if (at + 30 > data.length || view.getUint32(at, true) !== LOCAL_SIGNATURE) {
    fail("MALFORMED_ZIP", `${where}: the entry header is missing or damaged.`, { location: archiveName, hint: "The upload may be truncated; upload the file again." });
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > data.length) {
    fail("MALFORMED_ZIP", `${where}: the archive ends before this entry's data does (truncated upload?).`, {
      location: archiveName,
      hint: "Upload the complete file again.",
    });
  }
  const compressed = data.subarray(start, end);
  // Never produce more than the entry declared, nor more than what is left of the total budget.
  const cap = Math.min(entry.uncompressedSize, budget);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) {
      fail("MALFORMED_ZIP", `${where}: stored entry sizes disagree.`, { location: archiveName });
    }
    if (compressed.length > budget) tooLarge(archiveName, budget);
    return compressed.slice();
  }
  if (entry.method !== 8) {
    fail("UNSUPPORTED_FORMAT", `${where} uses zip compression method ${entry.method}; only "stored" and "deflate" are supported.`, {
      location: archiveName,
      hint: "Save with Keras or zip with a standard tool (deflate).",
    });
  }
  return inflateBounded(compressed, cap, entry, where, archiveName, budget);
}

function inflateBounded(compressed: Uint8Array, cap: number, entry: CentralEntry, where: string, archiveName: string, budget: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    produced += chunk.length;
    if (produced > cap) {
      if (produced > budget) tooLarge(archiveName, budget);
      fail("ZIP_COMPRESSION_RATIO", `${where} decompresses to more data than its header declares (${formatBytes(entry.uncompressedSize)}): the archive is malformed or crafted.`, {
        location: archiveName,
      });
    }
    chunks.push(chunk);
    if (final) finished = true;
  });
  try {
    for (let offset = 0; offset < compressed.length; offset += INFLATE_CHUNK) {
      const last = offset + INFLATE_CHUNK >= compressed.length;
      inflater.push(compressed.subarray(offset, offset + INFLATE_CHUNK), last);
    }
    if (compressed.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof Error && error.name === "SubmissionError") throw error;
    fail("MALFORMED_ZIP", `${where}: the compressed data is damaged (${error instanceof Error ? error.message : String(error)}).`, {
      location: archiveName,
      hint: "The upload may be truncated; upload the file again.",
    });
  }
  if (!finished || produced !== entry.uncompressedSize) {
    fail("MALFORMED_ZIP", `${where}: decompressed to ${formatBytes(produced)} instead of the declared ${formatBytes(entry.uncompressedSize)}.`, {
      location: archiveName,
      hint: "The upload may be truncated; upload the file again.",
    });
  }
  const out = new Uint8Array(produced);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function tooLarge(archiveName: string, budget: number): never {
  fail("ZIP_TOO_LARGE", `${archiveName} decompresses to more than the ${formatBytes(budget)} still allowed.`, {
    location: archiveName,
    hint: "Submit only the model files; a course model is a few MiB.",
  });
}
