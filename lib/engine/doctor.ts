/**
 * `holdout doctor`: what this machine's engines are, checked rather than assumed. Lists the
 * backend chain of the configured preference, which engine packages are present and whether each
 * loads (and why not), whether TensorFlow itself sees a GPU (lib/engine/backend.ts), and a short
 * benchmark (about five seconds): the chosen TF.js engine's matMul rate next to ONNX Runtime's
 * own MatMul on one thread and on all cores, the same native ceiling `npm run bench` uses.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "@/lib/sandbox/paths";
import { engineChain, initEngine, type EngineInfo, type EnginePreference } from "./backend";
import { loadOnnxRuntime, onnxRuntimeVersion } from "./onnx/runtime";
import { measureOnnxMatMul } from "./onnx/ceiling";

export interface PackageFinding {
  name: string;
  installed: boolean;
  /** What loading it did: "loaded", or the reason it did not. */
  status: string;
}

export interface DoctorReport {
  preference: EnginePreference;
  chain: string[];
  packages: PackageFinding[];
  /** The engine the preference selects now, or why none could start. */
  engine: { backend: string; device: "gpu" | "cpu"; note: string | null; skipped: Array<{ backend: string; reason: string }>; gpu: { usingGpuDevice: boolean; probe: string } | null } | { error: string };
  environment: Record<string, string | null>;
  cpus: number;
  benchmark: Array<{ what: string; gflops: number | null; note?: string }>;
}

function installed(name: string): boolean {
  return existsSync(path.join(projectRoot(), "node_modules", ...name.split("/"), "package.json"));
}

/** GFLOP/s of the current TF.js backend's square matMul, best of the runs that fit in `seconds`. */
async function tfMatMulRate(n: number, seconds: number): Promise<number> {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  try {
    const once = async () => {
      const started = performance.now();
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
      return (performance.now() - started) / 1000;
    };
    await once(); // warm-up
    let best = Infinity;
    const until = performance.now() + seconds * 1000;
    do best = Math.min(best, await once());
    while (performance.now() < until);
    return (2 * n ** 3) / best / 1e9;
  } finally {
    a.dispose();
    b.dispose();
  }
}

const ENV_KEYS = ["HOLDOUT_BACKEND", "HOLDOUT_SCORING_ENGINE", "WORKER_CONCURRENCY", "CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "TF_FORCE_GPU_ALLOW_GROWTH", "TF_CPP_MIN_LOG_LEVEL"];

export async function runDoctor(preference: EnginePreference, options: { benchmarkSeconds?: number } = {}): Promise<DoctorReport> {
  const seconds = options.benchmarkSeconds ?? 5;
  const packages: PackageFinding[] = [];
  let engine: DoctorReport["engine"];
  let info: EngineInfo | null = null;
  try {
    info = await initEngine({ prefer: preference, log: () => {} });
    engine = { backend: info.backend, device: info.device, note: info.details.note ?? null, skipped: info.details.skipped, gpu: info.details.gpu ?? null };
  } catch (error) {
    engine = { error: (error as Error).message };
  }
  // What each package did, from the chain's own record when it was tried.
  const tried = new Map<string, string>((info?.details.skipped ?? []).map((s) => [s.backend, s.reason]));
  const packageOf: Record<string, string> = { "tensorflow-gpu": "@tensorflow/tfjs-node-gpu", tensorflow: "@tensorflow/tfjs-node", wasm: "@tensorflow/tfjs-backend-wasm" };
  for (const [backend, name] of Object.entries(packageOf)) {
    const present = installed(name);
    const inChain = (engineChain(preference) as string[]).includes(backend);
    let status = !present ? "not installed" : inChain ? "installed, not tried (an earlier engine in the chain was selected)" : `installed, not in the "${preference}" chain`;
    if (tried.has(backend)) status = `not used: ${tried.get(backend)}`;
    if (info?.backend === backend) status = `loaded and selected (${info.device})`;
    if ("error" in engine && present && engine.error.includes(backend)) status = `failed: ${engine.error}`;
    packages.push({ name, installed: present, status });
  }
  let ortLoaded = false;
  const ortInstalled = installed("onnxruntime-node");
  let ortStatus = ortInstalled ? "" : "not installed";
  if (ortInstalled) {
    try {
      const ort = await loadOnnxRuntime();
      ortLoaded = true;
      ortStatus = `loaded, version ${onnxRuntimeVersion(ort)}${process.env.HOLDOUT_SCORING_ENGINE?.trim() === "tfjs" ? " (HOLDOUT_SCORING_ENGINE=tfjs: not used for scoring)" : " (scores layers models on CPU)"}`;
    } catch (error) {
      ortStatus = `failed to load: ${(error as Error).message.split("\n")[0]}`;
    }
  }
  packages.push({ name: "onnxruntime-node", installed: ortInstalled, status: ortStatus });

  const benchmark: DoctorReport["benchmark"] = [];
  if (info) benchmark.push({ what: `TF.js ${info.backend} (${info.device}) matMul 1024x1024`, gflops: await tfMatMulRate(1024, seconds * 0.4) });
  else benchmark.push({ what: "TF.js matMul", gflops: null, note: "no engine started" });
  if (ortLoaded) {
    const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
    const repeats = Math.max(2, Math.round(seconds));
    const one = await measureOnnxMatMul(1024, 1, repeats);
    benchmark.push({ what: "ONNX Runtime MatMul 1024x1024, 1 thread (native ceiling)", gflops: one.gflops });
    const all = await measureOnnxMatMul(1024, cores, repeats);
    benchmark.push({ what: `ONNX Runtime MatMul 1024x1024, ${cores} threads`, gflops: all.gflops });
  } else benchmark.push({ what: "ONNX Runtime MatMul", gflops: null, note: "onnxruntime-node not loaded" });

  return {
    preference,
    chain: engineChain(preference),
    packages,
    engine,
    environment: Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key] ?? null])),
    cpus: os.cpus().length,
    benchmark,
  };
}

export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`Backend preference: ${report.preference} (HOLDOUT_BACKEND); chain tried: ${report.chain.join(" > ")}`);
  lines.push("", "Engines found:");
  for (const p of report.packages) lines.push(`  ${p.name.padEnd(30)} ${p.status}`);
  lines.push("");
  if ("error" in report.engine) lines.push(`Selected engine: none. ${report.engine.error}`);
  else {
    const e = report.engine;
    lines.push(`Selected engine: ${e.backend} on ${e.device}${e.note ? ` (${e.note})` : ""}`);
    if (e.gpu) lines.push(`  TensorFlow's own answer: isUsingGpuDevice=${e.gpu.usingGpuDevice}; probe matMul ${e.gpu.probe}`);
    else lines.push("  GPU: none (tfjs-node-gpu did not load, so TensorFlow was not asked)");
  }
  lines.push("", "Engine settings in this environment (CUDA_*, TF_* and LD_LIBRARY_PATH also reach the scoring children):");
  for (const [key, value] of Object.entries(report.environment)) lines.push(`  ${key}=${value ?? "(unset)"}`);
  lines.push("", `Benchmark (${report.cpus} CPUs):`);
  for (const b of report.benchmark) lines.push(`  ${b.what.padEnd(58)} ${b.gflops === null ? `- (${b.note})` : `${b.gflops.toFixed(1)} GFLOP/s`}`);
  const ceiling = report.benchmark.find((b) => b.what.includes("1 thread"))?.gflops;
  const tfRate = report.benchmark[0]?.gflops;
  if (ceiling && tfRate) lines.push(`  TF.js reaches ${((100 * tfRate) / ceiling).toFixed(0)}% of the one-thread native ceiling.`);
  lines.push("", "One worker per GPU: run a worker per device with CUDA_VISIBLE_DEVICES=<index> and WORKER_CONCURRENCY=1 (see README).");
  return lines.join("\n");
}
