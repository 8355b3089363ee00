/**
 * Compiles the sandboxed child (worker/child.ts) and its data-parallel gradient worker thread
 * ahead of time with esbuild, so a child starts in a fraction of a second instead of paying
 * tsx's ~5 s per process. npm packages stay external (resolved from node_modules at run time,
 * including native and wasm ones). The bundle is rebuilt whenever any of its inputs (esbuild's
 * metafile) is newer than it, so development and tests never run a stale child; a lock folder
 * and a rename into place keep concurrent processes from colliding.
 *
 * Only build tooling imports this file (the CLI, the worker, test setup); the web process only
 * reads the bundle's path (./paths.ts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import path from "node:path";
import { bundleDir, projectRoot } from "./paths";

const ENTRIES = { child: "worker/child.ts", "gradient-worker": "lib/training/parallel/gradient-worker.ts" } as const;
/** Bumped when the build options below change, so an old bundle is rebuilt. */
const BUILD_VERSION = 1;
const META = "child-meta.json";

interface BundleMeta {
  version: number;
  inputs: string[];
  outputs: string[];
}

/** Why the bundle must be rebuilt, or null when it is up to date. */
export function staleReason(): string | null {
  const dir = bundleDir();
  let meta: BundleMeta;
  try {
    meta = JSON.parse(readFileSync(path.join(dir, META), "utf8")) as BundleMeta;
  } catch {
    return "no bundle yet";
  }
  if (meta.version !== BUILD_VERSION) return "build options changed";
  let built = Infinity;
  for (const output of meta.outputs) {
    try {
      built = Math.min(built, statSync(path.join(dir, output)).mtimeMs);
    } catch {
      return `${output} is missing`;
    }
  }
  const root = projectRoot();
  for (const input of meta.inputs) {
    try {
      if (statSync(path.join(root, input)).mtimeMs > built) return `${input} changed`;
    } catch {
      return `${input} is gone`;
    }
  }
  return null;
}

async function build(log: (line: string) => void, reason: string): Promise<void> {
  const { build: esbuild } = await import("esbuild");
  const root = projectRoot();
  const dir = bundleDir();
  mkdirSync(dir, { recursive: true });
  const tmp = await mkdtemp(path.join(dir, ".build-"));
  const started = performance.now();
  try {
    const result = await esbuild({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(root, file)])),
      outdir: tmp,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      tsconfig: path.join(root, "tsconfig.json"),
      sourcemap: "inline",
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.includes("node_modules/"));
    const outputs = Object.keys(ENTRIES).map((name) => `${name}.mjs`);
    // Outputs first, then the metadata that vouches for them: a reader sees old or new, never half.
    for (const output of outputs) renameSync(path.join(tmp, output), path.join(dir, output));
    const metaTmp = path.join(tmp, META);
    writeFileSync(metaTmp, JSON.stringify({ version: BUILD_VERSION, inputs, outputs } satisfies BundleMeta));
    renameSync(metaTmp, path.join(dir, META));
    log(`compiled the sandbox child (${reason}) in ${Math.round(performance.now() - started)} ms`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds dist/child.mjs when missing or older than any of its sources; one builder at a time. */
export async function ensureChildBundle(log: (line: string) => void = () => {}): Promise<void> {
  if (staleReason() === null) return;
  const lock = path.join(bundleDir(), ".build-lock");
  mkdirSync(bundleDir(), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process is building; a lock older than 2 minutes is left over from a killed one.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      await sleep(100);
    }
  }
  try {
    const reason = staleReason();
    if (reason !== null) await build(log, reason);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function childBundleExists(): boolean {
  return existsSync(path.join(bundleDir(), META));
}
