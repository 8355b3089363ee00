/**
 * The sandboxed child (dist/child.mjs under Node's permission model), started exactly as the
 * worker (jobs) and the web process (upload checks) start it: what it may read, what it sees of
 * the environment, and how its failures are blamed.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckPool, SandboxPlatformError } from "@/lib/sandbox/check-pool";
import { projectRoot } from "@/lib/sandbox/paths";
import { forkSandbox } from "@/lib/sandbox/spawn";
import { scrubPaths } from "@/lib/scrub-paths";
import { checkUploadInSandbox } from "@/lib/submissions/sandboxed-check";
import { tinyMlpFiles } from "@/scripts/load/tiny-model";
import { jobReadPaths } from "@/worker/supervise";
import type { ChildMessage, EvaluationTask } from "@/lib/sandbox/protocol";
import { upsamplingBombKeras } from "@/test/helpers/hostile-model";

let outside: string;
let jobDir: string;

beforeAll(async () => {
  outside = await mkdtemp(path.join(os.tmpdir(), "holdout-canary-"));
  await writeFile(path.join(outside, "canary.txt"), "secret");
  jobDir = await mkdtemp(path.join(os.tmpdir(), "holdout-job-"));
  await mkdir(path.join(jobDir, "files"));
  await writeFile(path.join(jobDir, "files", "model.json"), "{}");
});

afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
  await rm(jobDir, { recursive: true, force: true });
});

const mnistCompetition = { datasetId: "mnist", resourceLimits: null, trainingBudget: null, testSet: null };

function jobTask(): EvaluationTask {
  return {
    submissionId: "probe",
    kind: "WEIGHTS",
    filesDir: path.join(jobDir, "files"),
    files: [{ name: "model.json", role: "model" }],
    preprocessing: null,
    trainingSettings: null,
    dataset: { id: "mnist" },
    split: { seed: 1, publicFraction: 0.5 },
    budget: { maxEpochs: 1, maxSeconds: 60, maxParams: 1e6 },
    limits: { maxParams: 1e6, maxFlops: 1e9, timeoutSeconds: 60, memoryMb: 1024 },
    backend: "wasm",
    cpuShare: 1,
  };
}

describe("sandboxed child", () => {
  it("reads its job's files but not a canary outside, the project's .holdout/ or the parent's /proc environ; no credentials in its env", async () => {
    process.env.DATABASE_URL ??= "postgres://must-not-leak";
    const child = forkSandbox({ heapMb: 512, readPaths: jobReadPaths(jobTask()), env: { NODE_ENV: "test" } });
    const probe = new Promise<Extract<ChildMessage, { type: "probe-result" }>>((resolve, reject) => {
      child.on("message", (message: ChildMessage) => {
        if (message.type === "ready") {
          child.send({
            type: "probe",
            paths: [path.join(jobDir, "files", "model.json"), path.join(outside, "canary.txt"), `/proc/${process.pid}/environ`, path.join(projectRoot(), ".holdout", "auth-secret"), path.join(projectRoot(), "package.json")],
          });
        } else if (message.type === "probe-result") resolve(message);
      });
      child.on("exit", (code) => reject(new Error(`child exited (${code}) without answering`)));
    });
    const { results, envKeys } = await probe;
    expect(results.map((r) => r.outcome)).toEqual(["read", "ERR_ACCESS_DENIED", "ERR_ACCESS_DENIED", "ERR_ACCESS_DENIED", "ERR_ACCESS_DENIED"]);
    expect(envKeys).not.toContain("DATABASE_URL");
    expect(envKeys).not.toContain("NEXTAUTH_SECRET");
  });

  it("checks a valid upload in the sandbox and refuses the UpSampling2D(300) model before predicting it", async () => {
    const fine = await checkUploadInSandbox({ files: tinyMlpFiles(1), kind: "WEIGHTS", preprocessing: "raw", competition: mnistCompetition });
    expect(fine.ok).toBe(true);
    if (fine.ok) expect(fine.files.map((f) => f.role)).toEqual(["model", "model"]);

    const started = performance.now();
    const bomb = await checkUploadInSandbox({ files: [await upsamplingBombKeras()], kind: "WEIGHTS", preprocessing: "1/255", competition: mnistCompetition });
    const ms = performance.now() - started;
    console.info(`UpSampling2D(300) refused in ${Math.round(ms)} ms`);
    expect(bomb.ok).toBe(false);
    if (!bomb.ok) expect(bomb.errors.join("\n")).toMatch(/would take at least [\d,]+ s on this server .* the limit is 900 s/);
  });

  it("blames a check that hits its time limit on the submission, and a child killed under its memory cap on the platform", async () => {
    const pool = new CheckPool({ concurrency: 1, spares: 1 });
    try {
      const task = { files: tinyMlpFiles(2), kind: "WEIGHTS" as const, preprocessing: "raw" as const, competition: mnistCompetition };
      const slow = await pool.check(task, { memoryMb: 4096, timeoutSeconds: 0.001 });
      expect(slow).toEqual({ ok: false, errors: [expect.stringMatching(/longer than the 0.001 s limit/)], warnings: [] });

      const running = pool.check(task, { memoryMb: 4096, timeoutSeconds: 60 });
      // Wait (however busy the machine) until a child has taken the check, then kill it at once.
      for (let i = 0; i < 12_000 && pool.stats().checking.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(pool.stats().checking.length).toBeGreaterThan(0);
      for (const pid of pool.stats().checking) process.kill(pid, "SIGKILL"); // e.g. the OOM killer, on a machine short of memory
      await expect(running).rejects.toBeInstanceOf(SandboxPlatformError);
    } finally {
      pool.close();
    }
  });

  it("reuses a checking child for later uploads and retires it after its quota of checks", async () => {
    const pool = new CheckPool({ concurrency: 1, spares: 1, maxChecksPerChild: 3 });
    try {
      const task = { files: tinyMlpFiles(3), kind: "WEIGHTS" as const, preprocessing: "raw" as const, competition: mnistCompetition };
      for (let i = 0; i < 6; i++) expect((await pool.check(task, { memoryMb: 4096, timeoutSeconds: 60 })).ok).toBe(true);
      // One child per check would have started 6 (plus the spare); reuse with a quota of 3 needs 2 (plus spares).
      expect(pool.stats().started).toBeLessThanOrEqual(4);
      // A check that ends without a clean verdict retires its child: the next check still works.
      const slow = await pool.check(task, { memoryMb: 4096, timeoutSeconds: 0.001 });
      expect(slow.ok).toBe(false);
      expect((await pool.check(task, { memoryMb: 4096, timeoutSeconds: 60 })).ok).toBe(true);
    } finally {
      pool.close();
    }
  });

  it("scrubs server paths from text meant for students", () => {
    expect(scrubPaths("Error: ENOENT: no such file /srv/holdout/node_modules/h5wasm/dist/node/hdf5_hl.js (at file:///work/main/dist/child.mjs:12)")).toBe(
      "Error: ENOENT: no such file …/hdf5_hl.js (at …/child.mjs:12)",
    );
    expect(scrubPaths("input (28, 28, 1), preprocessing 1/255, a/b")).toBe("input (28, 28, 1), preprocessing 1/255, a/b");
  });
});
