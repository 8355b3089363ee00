/**
 * Picks the TensorFlow.js backend for this process at run time.
 *
 * Order (best first): `@tensorflow/tfjs-node-gpu` (CUDA) > `@tensorflow/tfjs-node` (native
 * libtensorflow on CPU) > `@tensorflow/tfjs-backend-wasm` (SIMD, one thread in Node) > `cpu`
 * (pure JS, ~20x slower). The native packages are optional dependencies: their install
 * downloads libtensorflow, which fails offline, so they are imported dynamically and a
 * missing one is simply skipped. Every skip is recorded with its reason so the worker can put
 * "what ran this job, and why not something faster" into each report.
 *
 * "auto" walks the whole chain. "tensorflow" (native only) and "gpu" (tfjs-node-gpu on a GPU
 * TensorFlow itself reports) do not fall back: a worker configured for them whose engine does not
 * load fails the job as the platform's fault (retried, never charged), instead of silently
 * scoring at a tenth of the speed. Whether the GPU is used is TensorFlow's own answer
 * (the binding's isUsingGpuDevice, set from the devices libtensorflow created) plus a tiny
 * matMul that must run and give the right numbers: never a guess from /proc or the environment.
 */
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { registerWasmTrainingKernels } from "./wasm-kernels";

export type EnginePreference = "auto" | "gpu" | "tensorflow" | "wasm" | "cpu";
export const ENGINE_PREFERENCES: readonly EnginePreference[] = ["auto", "gpu", "tensorflow", "wasm", "cpu"];
export type EngineBackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";

export interface EngineDetails {
  /** Why each faster candidate was not used, in the order they were tried. */
  skipped: Array<{ backend: EngineBackendName; reason: string }>;
  tfjsVersion: string;
  /** The tf.getBackend() name: "tensorflow" for both native packages. */
  tfBackendName: string;
  nodeVersion: string;
  cpuModel: string;
  cpuCount: number;
  /** wasm only: SIMD enabled; threads are always 1 in Node (tfjs issue #3830). */
  wasmSimd?: boolean;
  wasmThreads?: number;
  /** wasm only: names of the training kernels this project adds to the wasm backend. */
  wasmTrainingKernels?: string[];
  /** tfjs-node-gpu only: what TensorFlow said about the GPU, and whether a probe op ran correctly on it. */
  gpu?: { usingGpuDevice: boolean; probe: "ok" | string };
  note?: string;
}

export interface EngineInfo {
  backend: EngineBackendName;
  device: "gpu" | "cpu";
  details: EngineDetails;
}

export interface InitEngineOptions {
  prefer?: EnginePreference;
  /** Where the one-line "chosen backend" message goes; defaults to console.info. */
  log?: (line: string) => void;
}

/** The chain tried under "auto"; a preference starts the chain at that entry. */
const CHAIN: EngineBackendName[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];
const CHAIN_START: Record<EnginePreference, EngineBackendName> = {
  auto: "tensorflow-gpu",
  gpu: "tensorflow-gpu",
  tensorflow: "tensorflow-gpu",
  wasm: "wasm",
  cpu: "cpu",
};
/** Where the chain stops for each preference: only "auto", "wasm" and "cpu" fall back to the end. */
const CHAIN_END: Record<EnginePreference, EngineBackendName> = {
  auto: "cpu",
  gpu: "tensorflow-gpu",
  tensorflow: "tensorflow",
  wasm: "cpu",
  cpu: "cpu",
};

/** The backends a preference tries, in order (for `holdout doctor` and the engine itself). */
export function engineChain(prefer: EnginePreference): EngineBackendName[] {
  return CHAIN.slice(CHAIN.indexOf(CHAIN_START[prefer]), CHAIN.indexOf(CHAIN_END[prefer]) + 1);
}

// One initialisation per preference; concurrent callers share the same promise.
const initialised = new Map<EnginePreference, Promise<EngineInfo>>();
let active: EngineInfo | null = null;

/**
 * Selects and initialises the best available backend. Idempotent: calling again with the
 * same preference returns the same result without reinitialising. A different preference
 * switches backend (useful for tests that compare backends).
 */
export function initEngine(options: InitEngineOptions = {}): Promise<EngineInfo> {
  const prefer = options.prefer ?? "auto";
  const log = options.log ?? ((line: string) => console.info(line));
  let pending = initialised.get(prefer);
  if (!pending) {
    pending = selectBackend(prefer, log);
    initialised.set(prefer, pending);
    // A failed initialisation must not be cached forever: the next call tries again.
    pending.catch(() => initialised.delete(prefer));
  }
  return pending.then(async (info) => {
    // Another preference may have switched the global backend since; switch back.
    if (tf.getBackend() !== info.details.tfBackendName) await tf.setBackend(info.details.tfBackendName);
    active = info;
    return info;
  });
}

/** The engine chosen by the last initEngine call, or null before any. */
export function currentEngine(): EngineInfo | null {
  return active;
}

async function selectBackend(prefer: EnginePreference, log: (line: string) => void): Promise<EngineInfo> {
  const skipped: EngineDetails["skipped"] = [];
  const candidates = engineChain(prefer);
  for (const candidate of candidates) {
    try {
      const extra = await activate(candidate);
      if (prefer === "gpu" && extra.device !== "gpu") throw new Error(extra.details.note ?? "TensorFlow sees no GPU");
      const info: EngineInfo = {
        backend: candidate,
        device: extra.device,
        details: {
          skipped,
          tfjsVersion: tf.version.tfjs,
          tfBackendName: tf.getBackend(),
          nodeVersion: process.version,
          cpuModel: os.cpus()[0]?.model ?? "unknown",
          cpuCount: os.cpus().length,
          ...extra.details,
        },
      };
      const why = skipped.length ? `; skipped ${skipped.map((s) => `${s.backend} (${s.reason})`).join(", ")}` : "";
      log(`[engine] using ${candidate} on ${info.device}${extra.details.note ? ` (${extra.details.note})` : ""}${why}`);
      return info;
    } catch (error) {
      skipped.push({ backend: candidate, reason: shortReason(error) });
    }
  }
  // Under "auto", "cpu" is built into @tensorflow/tfjs, so this only happens if tfjs itself is broken;
  // "gpu" and "tensorflow" end here when their native engine does not load.
  throw new Error(`no TensorFlow.js backend for "${prefer}" could be initialised: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ")}`);
}

async function activate(candidate: EngineBackendName): Promise<{ device: "gpu" | "cpu"; details: Partial<EngineDetails> }> {
  switch (candidate) {
    case "tensorflow-gpu":
      await importOptional("@tensorflow/tfjs-node-gpu");
      await setBackendOrThrow("tensorflow");
      return gpuCheck();
    case "tensorflow":
      await importOptional("@tensorflow/tfjs-node");
      await setBackendOrThrow("tensorflow");
      return { device: "cpu", details: {} };
    case "wasm": {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      // setWasmPaths must run once, before the backend's first initialisation.
      if (!wasmPathsSet) {
        wasm.setWasmPaths(wasmDistDirectory());
        wasmPathsSet = true;
      }
      await setBackendOrThrow("wasm");
      const kernels = registerWasmTrainingKernels();
      return {
        device: "cpu",
        details: {
          wasmSimd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
          wasmThreads: wasm.getThreadsCount(),
          wasmTrainingKernels: kernels,
        },
      };
    }
    case "cpu":
      await setBackendOrThrow("cpu");
      return { device: "cpu", details: { note: "pure-JS backend, slow" } };
  }
}

let wasmPathsSet = false;

/**
 * The directory holding the .wasm binaries, as a file path with a trailing slash. Resolved from
 * the package itself so it works from any cwd, under tsx and in Next.js server code (where a
 * bundler may hand back a module id instead of a path, hence the node_modules fallback).
 */
function wasmDistDirectory(): string {
  const candidates: string[] = [];
  try {
    const resolved = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
    if (typeof resolved === "string") candidates.push(path.dirname(resolved));
  } catch {
    // fall through to the cwd-based guess
  }
  candidates.push(path.join(process.cwd(), "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist"));
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, "tfjs-backend-wasm-simd.wasm")));
  if (!found) throw new Error(`wasm binaries not found in ${candidates.join(" or ")}`);
  return found + path.sep;
}

async function importOptional(packageName: string): Promise<unknown> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier = packageName;
  try {
    return await import(/* webpackIgnore: true */ specifier);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") throw new Error("not installed");
    throw error;
  }
}

async function setBackendOrThrow(name: string): Promise<void> {
  if (tf.findBackendFactory(name) === null && tf.findBackend(name) === null) throw new Error("backend not registered");
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend("${name}") failed`);
  await tf.ready();
}

/**
 * Asks TensorFlow whether it runs on a GPU: libtensorflow loads without CUDA (or with no visible
 * device) and then silently computes on the CPU, so the GPU build being importable proves nothing.
 * The binding's isUsingGpuDevice is set from the devices libtensorflow created; a 2x2 matMul must
 * then run and give the right numbers (a broken CUDA/cuDNN install fails here, not in a job).
 */
async function gpuCheck(): Promise<{ device: "gpu" | "cpu"; details: Partial<EngineDetails> }> {
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean | (() => boolean); binding?: { isUsingGpuDevice?: () => boolean } };
  const flag = typeof backend.isUsingGpuDevice === "function" ? backend.isUsingGpuDevice() : backend.isUsingGpuDevice;
  const usingGpuDevice = Boolean(flag ?? backend.binding?.isUsingGpuDevice?.());
  let probe: string;
  try {
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
    const values = Array.from(await product.data());
    product.dispose();
    probe = values.join(",") === "19,22,43,50" ? "ok" : `a probe matMul gave ${values.join(",")} instead of 19,22,43,50`;
  } catch (error) {
    probe = `a probe matMul failed: ${shortReason(error)}`;
  }
  if (probe !== "ok") throw new Error(`tfjs-node-gpu loaded but ${probe}`);
  if (!usingGpuDevice) {
    return { device: "cpu", details: { gpu: { usingGpuDevice, probe }, note: "tfjs-node-gpu loaded, but TensorFlow created no GPU device (CUDA 11.2 / cuDNN 8.1 libraries on LD_LIBRARY_PATH? CUDA_VISIBLE_DEVICES?)" } };
  }
  return { device: "gpu", details: { gpu: { usingGpuDevice, probe } } };
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0].slice(0, 200);
}
