/**
 * Where the sandboxed child's compiled bundle lives. Used by the web process (upload checks) and
 * the worker (jobs); neither compiles anything here (see ./child-bundle.ts for the build).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

function isProjectRoot(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string };
    return pkg.name === "holdout" && existsSync(path.join(dir, "worker", "child.ts"));
  } catch {
    return false;
  }
}

function findUp(start: string): string | null {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (isProjectRoot(dir)) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

let cachedRoot: string | undefined;

/**
 * The project's root directory: $HOLDOUT_ROOT, else the nearest folder above the working
 * directory (the web server runs from the root) or above this file that is Holdout's.
 */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  const configured = env().HOLDOUT_ROOT;
  cachedRoot = configured ? path.resolve(configured) : (findUp(process.cwd()) ?? findUp(import.meta.dirname ?? process.cwd()) ?? process.cwd());
  return cachedRoot;
}

/** The folder of compiled child bundles (gitignored). */
export function bundleDir(): string {
  return path.join(projectRoot(), "dist");
}

/** The compiled child: one job (evaluation) or one upload check. */
export function childBundlePath(): string {
  return path.join(bundleDir(), "child.mjs");
}
