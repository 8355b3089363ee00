#!/usr/bin/env node
// Entry point of the `holdout` command. The CLI is TypeScript, compiled ahead of time with esbuild
// into dist/cli.mjs (at `npm install`, and again here whenever a source file is newer than the
// bundle: the check reads dist/cli-meta.json and stats the inputs, a few milliseconds). Without
// esbuild it falls back to compiling on the fly with tsx (5-6 s per start), and says so.
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundlePath, ensureBundle } from "../lib/build/bundles.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

async function viaTsx(why) {
  console.error(`holdout: ${why}; running the TypeScript sources through tsx instead (a slower start)`);
  // The project's tsconfig (its "@/" import alias), whatever directory the command runs from.
  process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/index.ts");
}

async function compiled() {
  // HOLDOUT_FORCE_TSX=1 skips the bundle: for debugging the build (and the test that keeps tsx out).
  if (process.env.HOLDOUT_FORCE_TSX === "1") return "HOLDOUT_FORCE_TSX=1";
  try {
    await ensureBundle(root, "cli", (line) => {
      if (process.env.HOLDOUT_DEBUG) console.error(`holdout: ${line}`);
    });
    return null;
  } catch (error) {
    const missing = error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("esbuild");
    // tsx compiles with esbuild too, so without it the fallback fails as well, with the same cause;
    // it does help where dist/ cannot be written (an install owned by another user).
    return missing ? "esbuild is not installed (npm install restores it), so the command cannot be compiled ahead of time" : `compiling the command failed (${error?.message ?? error})`;
  }
}

const fallback = await compiled();
if (fallback === null) await import(pathToFileURL(bundlePath(root, "cli")).href);
else await viaTsx(fallback);
