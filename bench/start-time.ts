/**
 * How long the `holdout` command takes before it does any work, measured by running it as a user
 * does (a fresh `node bin/holdout.mjs` process): `--help`, and `score` up to the point where it
 * would read the model (start, imports, TF.js/ONNX engine set-up), using a model path that does
 * not exist so it stops there. Median of a few runs after one warm-up.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const BIN = path.resolve(import.meta.dirname, "../bin/holdout.mjs");

export interface StartTimes {
  helpMs: number;
  scoreOverheadMs: number;
  runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function wallMs(args: string[], cwd: string): number {
  const started = performance.now();
  spawnSync(process.execPath, [BIN, ...args], { cwd, stdio: "ignore", env: { ...process.env, HOLDOUT_DEBUG: "" } });
  return performance.now() - started;
}

export function measureStartTimes(runs = 3): StartTimes {
  const cwd = mkdtempSync(path.join(os.tmpdir(), "holdout-start-"));
  try {
    const missing = path.join(cwd, "no-such-model.keras");
    const score = ["score", "--dataset", "mnist", missing];
    wallMs(["--help"], cwd); // warm-up (and a rebuild, if the bundle is stale)
    const help = Array.from({ length: runs }, () => wallMs(["--help"], cwd));
    const overhead = Array.from({ length: runs }, () => wallMs(score, cwd));
    return { helpMs: median(help), scoreOverheadMs: median(overhead), runs };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

export function formatStartTimes(times: StartTimes): string {
  return [
    `holdout --help wall time: ${Math.round(times.helpMs)} ms (median of ${times.runs}; target well under 1 s)`,
    `holdout score overhead before scoring: ${Math.round(times.scoreOverheadMs)} ms (process start, imports, engine set-up; median of ${times.runs})`,
  ].join("\n");
}
