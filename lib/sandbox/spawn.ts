/**
 * Starts the sandboxed child (dist/child.mjs): a Node process under the permission model that
 * may read only its own bundle, the installed packages and the paths a task names (datasets,
 * the job's files), write nowhere, start no processes, and sees no database URL or secret.
 * Used by the worker for jobs and by the web process for upload checks.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { bundleDir, childBundlePath, projectRoot } from "./paths";

export interface SandboxSpec {
  /** V8 heap cap for the child (MB); the caller also watches its resident size. */
  heapMb: number;
  /** Extra paths the child may read (datasets, the job's own directory). */
  readPaths?: string[];
  /** Worker threads (data-parallel training only). */
  allowWorker?: boolean;
  /** Native addons (a native TF.js backend, or onnxruntime-node for scoring). */
  allowAddons?: boolean;
  /** Extra environment (never credentials). */
  env?: Record<string, string | undefined>;
  /** "pipe" to read the child's stderr (why it died); inherited otherwise. */
  stderr?: "inherit" | "pipe";
}

/**
 * Environment variables a child may see: no DATABASE_URL, NEXTAUTH_SECRET or anything else. The
 * GPU path needs the CUDA libraries' location (LD_LIBRARY_PATH), the device choice
 * (CUDA_VISIBLE_DEVICES, CUDA_DEVICE_ORDER, ...) and TensorFlow's own settings (TF_FORCE_GPU_ALLOW_GROWTH,
 * TF_GPU_ALLOCATOR, TF_CPP_MIN_LOG_LEVEL, ...): none of them is a secret.
 */
const ENV_ALLOWED = ["PATH", "NODE_ENV", "HOLDOUT_SCORING_ENGINE", "HOLDOUT_SHARED_DIR", "HOLDOUT_DATA_DIR", "HOLDOUT_DEBIAN_DATASETS_DIR", "LD_LIBRARY_PATH"];
const ENV_ALLOWED_PREFIXES = ["NVIDIA_", "CUDA_", "TF_"];

export function sandboxEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = {} as NodeJS.ProcessEnv;
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && (ENV_ALLOWED.includes(key) || ENV_ALLOWED_PREFIXES.some((prefix) => key.startsWith(prefix)))) env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Whether a native TF.js backend is installed (then "auto" may load it and needs addons). */
export function nativeBackendInstalled(): boolean {
  return ["tfjs-node", "tfjs-node-gpu"].some((name) => existsSync(path.join(projectRoot(), "node_modules", "@tensorflow", name, "package.json")));
}

/** Whether onnxruntime-node (a native addon: the child needs --allow-addons to load it) is installed. */
export function onnxRuntimeInstalled(): boolean {
  return existsSync(path.join(projectRoot(), "node_modules", "onnxruntime-node", "package.json"));
}

/** Whether a job's child may score with ONNX Runtime: installed, and HOLDOUT_SCORING_ENGINE is not tfjs. */
export function onnxScoringWanted(engine: string | undefined = process.env.HOLDOUT_SCORING_ENGINE): boolean {
  return engine?.trim() !== "tfjs" && onnxRuntimeInstalled();
}

/** The Node flags that confine the child; exported for tests and diagnostics. */
export function sandboxExecArgv(spec: SandboxSpec): string[] {
  const readable = [bundleDir(), path.join(projectRoot(), "node_modules"), ...(spec.readPaths ?? [])].map((p) => path.resolve(p));
  return [
    `--max-old-space-size=${Math.max(256, Math.floor(spec.heapMb))}`,
    "--experimental-permission",
    // One flag per path (Node 20.20+ and 22; a comma-separated list is no longer accepted).
    ...readable.map((p) => `--allow-fs-read=${p}`),
    ...(spec.allowWorker ? ["--allow-worker"] : []),
    ...(spec.allowAddons ? ["--allow-addons"] : []),
    "--disable-warning=ExperimentalWarning",
  ];
}

export class SandboxUnavailableError extends Error {}

/** Forks the compiled child under the permission model, IPC with structured clone ("advanced"). */
export function forkSandbox(spec: SandboxSpec): ChildProcess {
  const entry = childBundlePath();
  if (!existsSync(entry)) throw new SandboxUnavailableError(`the sandbox child is not compiled (${path.relative(projectRoot(), entry)} missing; run \`npx holdout start\` or \`node bin/holdout.mjs build-child\`)`);
  return fork(entry, [], {
    cwd: bundleDir(),
    // The root is handed over: the child may not read the project's package.json to find it
    // (lib/sandbox/paths.ts), and without it would look for datasets under dist/.
    env: sandboxEnv({ HOLDOUT_ROOT: projectRoot(), ...spec.env }),
    execArgv: sandboxExecArgv(spec),
    stdio: ["ignore", "inherit", spec.stderr ?? "inherit", "ipc"],
    serialization: "advanced",
  });
}

/** Resident memory of a process in MB (0 when it is gone). */
export function residentMegabytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** V8's own words when a child runs out of the heap its --max-old-space-size flag allows. */
const HEAP_EXHAUSTED = /Reached heap limit|JavaScript heap out of memory|Allocation failed/;

export function heapExhausted(stderr: string): boolean {
  return HEAP_EXHAUSTED.test(stderr);
}

/** Remembers the last part of a child's stderr (piped) to tell why it died; `forward` also passes it on as it comes. */
export function tailStderr(child: ChildProcess, options: { forward?: boolean } = {}): () => string {
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (options.forward) process.stderr.write(chunk);
    tail = (tail + chunk.toString("utf8")).slice(-4000);
  });
  return () => tail;
}

export interface LimitWatch {
  /** Why the watch killed the child (the student-facing sentence), if it did. */
  killedFor(): string | undefined;
  /** The highest resident size seen, in MB. */
  peakRss(): number;
  stop(): void;
}

/**
 * Kills the child when it runs past its wall-clock limit or its resident memory (wasm memory
 * included, which the V8 heap flag does not cover) goes over the cap, and remembers which, in
 * the caller's words. Used for jobs (worker/supervise.ts) and upload checks (./check-pool.ts).
 */
export function watchLimits(
  child: ChildProcess,
  limits: { timeoutSeconds: number; memoryMb: number; sampleMs: number },
  words: { timeout: string; memory: string },
): LimitWatch {
  let killedFor: string | undefined;
  let peakRss = 0;
  const timeout = setTimeout(() => {
    killedFor = words.timeout;
    child.kill("SIGKILL");
  }, limits.timeoutSeconds * 1000);
  const memoryWatch = setInterval(() => {
    const rss = residentMegabytes(child.pid ?? 0);
    peakRss = Math.max(peakRss, rss);
    if (rss > limits.memoryMb) {
      killedFor = words.memory;
      child.kill("SIGKILL");
    }
  }, limits.sampleMs);
  return {
    killedFor: () => killedFor,
    peakRss: () => peakRss,
    stop() {
      clearTimeout(timeout);
      clearInterval(memoryWatch);
    },
  };
}
