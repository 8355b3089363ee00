/**
 * Picks the TensorFlow.js backend for this process at run time.
 *
 * Order (best first): `@tensorflow/tfjs-node-gpu` (CUDA) > `@tensorflow/tfjs-node` (native
 * libtensorflow on CPU) > `@tensorflow/tfjs-backend-wasm` (SIMD, one thread in Node) > `cpu`
 * (pure JS, ~20x slower). The native packages are optional dependencies: their install
 * downloads libtensorflow, which fails offline, so they are imported dynamically and a
 * missing one is simply skipped. Every skip is recorded with its reason so the worker can put
 * "what ran this job, and why not something faster" into each report.
 */
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { registerWasmTrainingKernels } from "./wasm-kernels";

export type EnginePreference = "auto" | "tensorflow" | "wasm" | "cpu";
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
  tensorflow: "tensorflow-gpu",
  wasm: "wasm",
  cpu: "cpu",
};

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
  const candidates = CHAIN.slice(CHAIN.indexOf(CHAIN_START[prefer]));
  for (const candidate of candidates) {
    try {
      const extra = await activate(candidate);
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
  // "cpu" is built into @tensorflow/tfjs, so this only happens if tfjs itself is broken.
  throw new Error(`no TensorFlow.js backend could be initialised: ${JSON.stringify(skipped)}`);
}

async function activate(candidate: EngineBackendName): Promise<{ device: "gpu" | "cpu"; details: Partial<EngineDetails> }> {
  switch (candidate) {
    case "tensorflow-gpu":
      await importOptional("@tensorflow/tfjs-node-gpu");
      await setBackendOrThrow("tensorflow");
      // libtensorflow silently falls back to CPU when CUDA loads but sees no device.
      return nvidiaDeviceVisible()
        ? { device: "gpu", details: {} }
        : { device: "cpu", details: { note: "GPU build loaded but no NVIDIA device visible" } };
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

function nvidiaDeviceVisible(): boolean {
  try {
    return fs.readdirSync("/proc/driver/nvidia/gpus").length > 0;
  } catch {
    return Boolean(process.env.CUDA_VISIBLE_DEVICES && process.env.CUDA_VISIBLE_DEVICES !== "-1");
  }
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0].slice(0, 200);
}
