import { spawn } from "node:child_process";
import path from "node:path";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `node bin/holdout.mjs ...` as a user runs it (stderr is not a terminal, so progress comes as
 * lines), from `cwd`, with `env` on top of this process's environment (undefined removes a
 * variable). Killed after `timeoutMs` so a hanging command fails its test instead of the run.
 */
export function runHoldout(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/holdout.mjs"), ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      // Run from another directory (as a student does), tsx must still find the repo's tsconfig.
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(REPO_ROOT, "tsconfig.json"), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 150_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
