import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initEngine, currentEngine } from "@/lib/engine/backend";

const run = promisify(execFile);

describe("initEngine", () => {
  it("auto skips the native backends that are not installed and says why", async () => {
    const lines: string[] = [];
    const info = await initEngine({ log: (line) => lines.push(line) });
    // Neither tfjs-node package installs offline, so auto lands on wasm here.
    expect(info.backend).toBe("wasm");
    expect(info.device).toBe("cpu");
    expect(info.details.skipped.map((s) => s.backend)).toEqual(["tensorflow-gpu", "tensorflow"]);
    expect(info.details.skipped[0].reason).toMatch(/not installed/);
    expect(info.details.wasmSimd).toBe(true);
    expect(info.details.wasmThreads).toBe(1);
    expect(info.details.wasmTrainingKernels).toContain("Conv2DBackpropFilter");
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeDefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/using wasm .*skipped tensorflow-gpu \(not installed\), tensorflow \(not installed\)/);
    expect(currentEngine()).toBe(info);
  });

  it("is idempotent: a second call returns the same result without logging again", async () => {
    const lines: string[] = [];
    const first = await initEngine({ prefer: "auto", log: (line) => lines.push(line) });
    const second = await initEngine({ prefer: "auto", log: (line) => lines.push(line) });
    expect(second).toBe(first);
    expect(lines).toHaveLength(0);
  });

  it("honours a preference and switches back when asked again", async () => {
    const cpu = await initEngine({ prefer: "cpu", log: () => {} });
    expect(cpu.backend).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    const wasm = await initEngine({ prefer: "wasm", log: () => {} });
    expect(wasm.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });

  it("finds the wasm binaries from another working directory", async () => {
    const backendModule = path.resolve(import.meta.dirname, "../../../lib/engine/backend.ts");
    const script = `const { initEngine } = await import(${JSON.stringify(backendModule)}); const info = await initEngine({ prefer: "wasm", log: () => {} }); console.log(info.backend);`;
    // The tsx loader by absolute URL: from /tmp the bare name "tsx" would not resolve.
    const tsxLoader = import.meta.resolve("tsx");
    const { stdout } = await run(process.execPath, ["--import", tsxLoader, "--input-type=module", "-e", script], { cwd: "/tmp" });
    expect(stdout.trim().split("\n").pop()).toBe("wasm");
  }, 60_000);
});

describe("strict preferences: no silent fallback to a slower engine", () => {
  it("gpu tries only tfjs-node-gpu, tensorflow only the native packages", async () => {
    const { engineChain } = await import("@/lib/engine/backend");
    expect(engineChain("auto")).toEqual(["tensorflow-gpu", "tensorflow", "wasm", "cpu"]);
    expect(engineChain("gpu")).toEqual(["tensorflow-gpu"]);
    expect(engineChain("tensorflow")).toEqual(["tensorflow-gpu", "tensorflow"]);
    expect(engineChain("wasm")).toEqual(["wasm", "cpu"]);
  });

  it("a native engine that does not load is an error with every reason, not wasm in disguise", async () => {
    // Neither tfjs-node package installs offline (../shared/ENVIRONMENT.md).
    await expect(initEngine({ prefer: "tensorflow", log: () => {} })).rejects.toThrow(/no TensorFlow.js backend for "tensorflow" could be initialised: tensorflow-gpu: not installed; tensorflow: not installed/);
    await expect(initEngine({ prefer: "gpu", log: () => {} })).rejects.toThrow(/"gpu" could be initialised: tensorflow-gpu: not installed/);
  });
});
