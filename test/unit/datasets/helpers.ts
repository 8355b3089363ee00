import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { sharedDatasetsDir } from "@/lib/datasets/sources";
import { resetEnvCache } from "@/lib/env";

/** The verified shared copies (../shared/datasets beside the repo, or $HOLDOUT_SHARED_DIR/datasets). */
export const SHARED = sharedDatasetsDir();

/** Temp dirs removed after each test. */
export function useTempDirs(): (prefix?: string) => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return (prefix = "holdout-ds-") => {
    const d = mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** Sets environment variables for one test, restored afterwards. */
export function useEnv(): (vars: Record<string, string | undefined>) => void {
  const saved: Array<[string, string | undefined]> = [];
  afterEach(() => {
    for (const [k, v] of saved.splice(0).reverse()) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnvCache();
  });
  return (vars) => {
    for (const [k, v] of Object.entries(vars)) {
      saved.push([k, process.env[k]]);
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    // Settings are read through env(), parsed once per process: read them again.
    resetEnvCache();
  };
}

export function perClass(labels: ArrayLike<number>, k = 10): number[] {
  const out = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) out[labels[i]]++;
  return out;
}
