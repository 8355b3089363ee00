/**
 * ONNX Runtime (onnxruntime-node, native CPU) as a scoring engine: a session over an exported
 * model, fed the same NHWC float32 batches TF.js would get.
 *
 * onnxruntime-node is a native addon: in the sandboxed child it loads only when the child runs
 * with --allow-addons (lib/sandbox/spawn.ts; the worker adds it unless HOLDOUT_SCORING_ENGINE is
 * tfjs). It is imported on first use, so nothing else pays for it, and a failure to load is a
 * reason to fall back to TF.js, never an error.
 *
 * Threads: one intra-op thread per job by default; two only where the job has the machine to
 * itself. Spinning is off: with it on, two threads on a busy 2-core machine ran slower than one.
 */
import type * as Ort from "onnxruntime-node";

let loading: Promise<typeof Ort> | null = null;

/** onnxruntime-node, loaded once; rejects with a short reason when it cannot load here. */
export function loadOnnxRuntime(): Promise<typeof Ort> {
  loading ??= (async () => {
    try {
      const specifier = "onnxruntime-node";
      const module = (await import(/* webpackIgnore: true */ specifier)) as typeof Ort & { default?: typeof Ort };
      const ort = (module.InferenceSession ? module : module.default) as typeof Ort;
      if (!ort?.InferenceSession) throw new Error("onnxruntime-node has no InferenceSession");
      return ort;
    } catch (error) {
      loading = null;
      const err = error as NodeJS.ErrnoException;
      if (err.code === "ERR_MODULE_NOT_FOUND" || err.code === "MODULE_NOT_FOUND") throw new Error("onnxruntime-node is not installed");
      if (err.code === "ERR_DLOPEN_DISABLED" || err.code === "ERR_ACCESS_DENIED") throw new Error("native addons are not allowed in this process (--allow-addons)");
      throw new Error(`onnxruntime-node did not load: ${err.message.split("\n")[0].slice(0, 200)}`);
    }
  })();
  return loading;
}

export function onnxRuntimeVersion(ort: typeof Ort): string {
  return (ort.env.versions as { node?: string; common?: string })?.node ?? ort.env.versions?.common ?? "unknown";
}

export interface OnnxSessionOptions {
  /** Intra-op threads (default 1). */
  threads?: number;
}

export interface OnnxScorer {
  threads: number;
  version: string;
  /** Runs a batch of n examples (values laid out [n, ...inputShape]); resolves to the flat outputs. */
  run(values: Float32Array, n: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function createOnnxScorer(model: Uint8Array, inputShape: number[], inputName: string, outputName: string, opts: OnnxSessionOptions = {}): Promise<OnnxScorer> {
  const ort = await loadOnnxRuntime();
  const threads = Math.max(1, Math.floor(opts.threads ?? 1));
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
  });
  return {
    threads,
    version: onnxRuntimeVersion(ort),
    async run(values, n) {
      // The buffer is reused by the caller for the next batch: ORT reads it during run() only.
      const x = new ort.Tensor("float32", values.subarray(0, n * inputShape.reduce((a, b) => a * b, 1)), [n, ...inputShape]);
      const result = await session.run({ [inputName]: x }, [outputName]);
      const y = result[outputName];
      try {
        return y.data as Float32Array;
      } finally {
        x.dispose();
      }
    },
    release: () => session.release(),
  };
}
