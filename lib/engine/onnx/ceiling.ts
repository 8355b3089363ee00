/**
 * The machine's native float32 ceiling, measured in-process: ONNX Runtime's own MatMul of two
 * n x n matrices, best of a few runs, on a given number of intra-op threads. A is the graph's
 * input (nothing can be folded away); B is a constant, as a layer's weights are, so ORT packs it
 * once at load like it does for every Dense and Conv of a scored model. The benchmark compares
 * every engine's scoring rate with it.
 */
import { DataType, encodeModel } from "./proto";
import { loadOnnxRuntime } from "./runtime";


function matMulModel(n: number, b: Float32Array): Uint8Array {
  const square = { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: n }, { dimValue: n }] } } };
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "holdout",
    producerVersion: "bench",
    graph: {
      name: "matmul",
      node: [{ name: "matmul", opType: "MatMul", input: ["A", "B"], output: ["C"], attribute: [] }],
      initializer: [{ name: "B", dims: [n, n], dataType: DataType.FLOAT, rawData: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) }],
      input: [{ name: "A", type: square }],
      output: [{ name: "C", type: square }],
    },
  });
}

export interface MatMulCeiling {
  size: number;
  threads: number;
  gflops: number;
  bestMs: number;
  /** GFLOP per CPU-second of the process (1 thread: what the core delivers, whatever else runs on the machine). */
  gflopsPerCpuSecond: number;
}

/** GFLOP/s of ORT's n x n float32 MatMul on `threads` intra-op threads (spinning off), best of `repeats`. */
export async function measureOnnxMatMul(n = 2048, threads = 1, repeats = 5): Promise<MatMulCeiling> {
  const ort = await loadOnnxRuntime();
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < a.length; i++) {
    a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    b[i] = ((i * 104729) % 1000) / 1000 - 0.5;
  }
  const session = await ort.InferenceSession.create(matMulModel(n, b), {
    executionProviders: ["cpu"],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  try {
    const feeds = { A: new ort.Tensor("float32", a, [n, n]) };
    await session.run(feeds); // warm-up: packing buffers, thread pool start
    let best = Infinity;
    let bestCpu = Infinity;
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await session.run(feeds);
      best = Math.min(best, performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
    }
    const flops = 2 * n ** 3;
    return { size: n, threads, gflops: flops / (best / 1000) / 1e9, bestMs: best, gflopsPerCpuSecond: flops / (bestCpu / 1000) / 1e9 };
  } finally {
    await session.release();
  }
}
