import { describe, expect, it } from "vitest";
import { formatDoctorReport, runDoctor } from "@/lib/engine/doctor";

describe("holdout doctor", () => {
  it("lists the chain, what loads here and why not, and a short benchmark against ONNX Runtime's ceiling", { timeout: 120_000 }, async () => {
    const report = await runDoctor("auto", { benchmarkSeconds: 0.5 });
    expect(report.chain).toEqual(["tensorflow-gpu", "tensorflow", "wasm", "cpu"]);
    const status = Object.fromEntries(report.packages.map((p) => [p.name, p.status]));
    // These machines: no native TensorFlow (its install downloads libtensorflow), wasm and ORT present.
    expect(status["@tensorflow/tfjs-node-gpu"]).toMatch(/not installed/);
    expect(status["@tensorflow/tfjs-backend-wasm"]).toBe("loaded and selected (cpu)");
    expect(status["onnxruntime-node"]).toMatch(/^loaded, version 1\.\d+/);
    expect(report.engine).toMatchObject({ backend: "wasm", device: "cpu", gpu: null });
    expect(report.benchmark.map((b) => b.what)).toEqual([expect.stringMatching(/TF.js wasm/), expect.stringMatching(/1 thread/), expect.stringMatching(/threads/)]);
    for (const b of report.benchmark) expect(b.gflops).toBeGreaterThan(0);
    const text = formatDoctorReport(report);
    expect(text).toMatch(/GPU: none \(tfjs-node-gpu did not load/);
    expect(text).toMatch(/% of the one-thread native ceiling/);
  });

  it("says why a strict preference has no engine", { timeout: 60_000 }, async () => {
    const report = await runDoctor("gpu", { benchmarkSeconds: 0.2 });
    expect(report.chain).toEqual(["tensorflow-gpu"]);
    expect(report.engine).toEqual({ error: expect.stringMatching(/no TensorFlow.js backend for "gpu" could be initialised: tensorflow-gpu: not installed/) });
    expect(formatDoctorReport(report)).toMatch(/Selected engine: none\./);
  });
});
