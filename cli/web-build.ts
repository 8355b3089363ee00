import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

// One level below the root both as source (cli/) and compiled (dist/cli.mjs).
export const ROOT = path.resolve(import.meta.dirname, "..");
export const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
/**
 * Where `next build` writes (next.config.ts reads the same variable). A development knob: people
 * working in one checkout in parallel give each test run its own build folder, so one run's
 * rebuild never pulls the files from under another's server.
 */
export const NEXT_DIST_DIR = process.env.HOLDOUT_NEXT_DIST_DIR || ".next";

export function prefixLines(stream: NodeJS.ReadableStream | null, prefix: string, write: (line: string) => void = console.log) {
  if (!stream) return;
  createInterface({ input: stream }).on("line", (line) => write(`${prefix} ${line}`));
}

function newestSourceChange(): number {
  const roots = ["app", "components", "web", "lib", "next.config.ts", "proxy.ts", "postcss.config.mjs", "package-lock.json"];
  let newest = 0;
  const visit = (entry: string) => {
    const stats = statSync(entry);
    if (stats.isDirectory()) {
      if (entry.endsWith(`${path.sep}generated`)) return;
      for (const child of readdirSync(entry)) visit(path.join(entry, child));
    } else newest = Math.max(newest, stats.mtimeMs);
  };
  for (const root of roots) if (existsSync(path.join(ROOT, root))) visit(path.join(ROOT, root));
  return newest;
}

/** Builds the web app when there is no build yet or the sources changed since the last one. */
export async function ensureWebBuild(log: (line: string) => void) {
  const buildId = path.join(ROOT, NEXT_DIST_DIR, "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceChange()) return;
  log("building the web app (first start, or sources changed)…");
  await new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    prefixLines(build.stdout, "[build]", log);
    prefixLines(build.stderr, "[build]", log);
    build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code}); see the [build] lines above.`))));
  });
}

