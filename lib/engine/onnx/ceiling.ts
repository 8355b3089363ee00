/**
 * The machine's native float32 ceiling, measured in-process: ONNX Runtime's own MatMul of two
 * n x n matrices (both graph inputs, so nothing is folded away), best of a few runs, on a given
 * number of intra-op threads. The benchmark compares every engine's scoring rate with it.
 */
import { DataType, encodeModel } from "./proto";
import { loadOnnxRuntime } from "./runtime";


function matMulModel(n: number): Uint8Array {
  const square = { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: n }, { dimValue: n }] } } };
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "holdout",
    producerVersion: "bench",
    graph: {
      name: "matmul",
      node: [{ name: "matmul", opType: "MatMul", input: ["A", "B"], output: ["C"], attribute: [] }],
      initializer: [],
      input: [
        { name: "A", type: square },
        { name: "B", type: square },
      ],
      output: [{ name: "C", type: square }],
    },
  });
}

export interface MatMulCeiling {
  size: number;
  threads: number;
  gflops: number;
  bestMs: number;
}

/** GFLOP/s of ORT's n x n float32 MatMul on `threads` intra-op threads (spinning off), best of `repeats`. */
export async function measureOnnxMatMul(n = 2048, threads = 1, repeats = 5): Promise<MatMulCeiling> {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(matMulModel(n), {
    executionProviders: ["cpu"],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  try {
    const a = new Float32Array(n * n);
    const b = new Float32Array(n * n);
    for (let i = 0; i < a.length; i++) {
      a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
      b[i] = ((i * 104729) % 1000) / 1000 - 0.5;
    }
    const feeds = { A: new ort.Tensor("float32", a, [n, n]), B: new ort.Tensor("float32", b, [n, n]) };
    await session.run(feeds); // warm-up: packing buffers, thread pool start
    let best = Infinity;
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      best = Math.min(best, performance.now() - t0);
    }
    return { size: n, threads, gflops: (2 * n ** 3) / (best / 1000) / 1e9, bestMs: best };
  } finally {
    await session.release();
  }
}
