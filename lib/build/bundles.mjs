// Ahead-of-time builds of Holdout's TypeScript entry points with esbuild, so a process starts in a
// fraction of a second instead of paying tsx's ~5 s: the `holdout` command (dist/cli.mjs) and the
// sandboxed child with its gradient worker thread (dist/child.mjs, dist/gradient-worker.mjs).
//
// Plain JavaScript on purpose: bin/holdout.mjs and scripts/postinstall.mjs load it before any
// TypeScript can run. npm packages stay external (resolved from node_modules at run time,
// including native and wasm ones); the project's own code, the generated Prisma client included,
// is bundled. A bundle is rebuilt whenever any of its inputs (esbuild's metafile) is newer than
// it, so development and tests never run a stale one; a lock folder per bundle and a rename into
// place keep concurrent processes from colliding. The freshness check reads one small JSON file
// and stats the inputs (a few milliseconds); esbuild itself is only loaded to build.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Every bundle: its entry points (output name -> source) and its metadata file in dist/. */
export const BUNDLES = {
  child: { entries: { child: "worker/child.ts", "gradient-worker": "lib/training/parallel/gradient-worker.ts" }, meta: "child-meta.json", label: "the sandbox child" },
  // Split: what a command loads with `await import()` (TF.js, Prisma, ...) goes to chunks and is
  // only read when that command runs, so `holdout --help` does not pay for it.
  cli: { entries: { cli: "cli/index.ts" }, meta: "cli-meta.json", label: "the holdout command", splitting: true },
};

/** Bumped when the build options below change, so an old bundle is rebuilt. */
const BUILD_VERSION = 3;

export function bundleDir(root) {
  return path.join(root, "dist");
}

export function bundlePath(root, name, entry = Object.keys(BUNDLES[name].entries)[0]) {
  return path.join(bundleDir(root), `${entry}.mjs`);
}

/** Why the bundle must be rebuilt, or null when it is up to date. */
export function staleReason(root, name) {
  const dir = bundleDir(root);
  let meta;
  try {
    meta = JSON.parse(readFileSync(path.join(dir, BUNDLES[name].meta), "utf8"));
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
  for (const input of meta.inputs) {
    try {
      if (statSync(path.join(root, input)).mtimeMs > built) return `${input} changed`;
    } catch {
      return `${input} is gone`;
    }
  }
  return null;
}

export function bundleExists(root, name) {
  return existsSync(path.join(bundleDir(root), BUNDLES[name].meta));
}

async function build(root, name, log, reason) {
  const { build: esbuild } = await import("esbuild");
  const { entries, meta: metaFile, label, splitting = false } = BUNDLES[name];
  const dir = bundleDir(root);
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(path.join(dir, ".build-"));
  const started = performance.now();
  try {
    const result = await esbuild({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(Object.entries(entries).map(([entry, file]) => [entry, path.join(root, file)])),
      outdir: tmp,
      outExtension: { ".js": ".mjs" },
      splitting,
      // Content-hashed names: a new build's chunks never overwrite those a running process may still
      // load. Beside the entries, not in a subfolder: code that finds the project from its own
      // import.meta.url (one level below the root as source: cli/, lib/x/) must see the
      // same depth as the entry, dist/.
      chunkNames: `${name}-chunk-[hash]`,
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
    const entryOutputs = Object.keys(entries).map((entry) => `${entry}.mjs`);
    const chunks = Object.keys(result.metafile.outputs)
      .map((output) => path.relative(tmp, path.join(root, output)))
      .filter((output) => !entryOutputs.includes(output));
    const outputs = [...chunks, ...entryOutputs];
    // Chunks, then entries, then the metadata that vouches for them: a reader sees old or new, never half.
    for (const output of outputs) renameSync(path.join(tmp, output), path.join(dir, output));
    const metaTmp = path.join(tmp, metaFile);
    writeFileSync(metaTmp, JSON.stringify({ version: BUILD_VERSION, inputs, outputs }));
    renameSync(metaTmp, path.join(dir, metaFile));
    removeOldChunks(dir, name, outputs);
    log(`compiled ${label} (${reason}) in ${Math.round(performance.now() - started)} ms`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Chunks of earlier builds of this bundle, once they are an hour old: a process started before the
 * rebuild may still import one of them lazily, so they are not removed at once.
 */
function removeOldChunks(dir, name, outputs) {
  const keep = new Set(outputs.map((output) => path.basename(output)));
  for (const file of readdirSync(dir)) {
    if (!file.startsWith(`${name}-chunk-`) || keep.has(file)) continue;
    try {
      if (Date.now() - statSync(path.join(dir, file)).mtimeMs > 3_600_000) rmSync(path.join(dir, file), { force: true });
    } catch {
      /* removed by another builder */
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the bundle when missing or older than any of its sources; one builder at a time per bundle. */
export async function ensureBundle(root, name, log = () => {}) {
  if (staleReason(root, name) === null) return;
  const dir = bundleDir(root);
  const lock = path.join(dir, `.build-lock-${name}`);
  mkdirSync(dir, { recursive: true });
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
    const reason = staleReason(root, name);
    if (reason !== null) await build(root, name, log, reason);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds every bundle that is stale (npm install, `npm run build`). */
export async function ensureAllBundles(root, log = () => {}) {
  for (const name of Object.keys(BUNDLES)) await ensureBundle(root, name, log);
}
