/** `holdout inspect` and `holdout score`, run as a student or the lead would run them. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { fixturesDir, repoRoot } from "./helpers/data";

const run = promisify(execFile);
const holdout = (...args: string[]) => run(process.execPath, [path.join(repoRoot, "bin/holdout.mjs"), ...args], { cwd: repoRoot, timeout: 120_000 });

describe("CLI", () => {
  it("score prints one JSON object with the exact accuracy", async () => {
    const { stdout } = await holdout("score", "--dataset", "mnist", "--preprocess", "raw", path.join(fixturesDir, "keras2-h5-mnist-cnn/mnist1.h5"));
    const result = JSON.parse(stdout);
    expect(result.accuracy).toBe(0.9889);
    expect(result.examples).toBe(10_000);
    expect(result.confusion).toHaveLength(10);
    expect(result.perClassAccuracy).toHaveLength(10);
    expect(result.loss).toBeGreaterThan(0);
    expect(result.examplesPerSecond).toBeGreaterThan(0);
    // `holdout score` says which engine ran: ONNX Runtime on the exported model here.
    expect(result.backend).toBe("onnxruntime");
    expect(result.engine).toBe("onnxruntime (cpu, 1 thread)");
    // The robustness panel, as the report shows it: a CNN keeps most of its accuracy shifted 2 px.
    expect(result.robustness.examples).toBe(1000);
    expect(result.robustness.conditions.map((c: { id: string }) => c.id)).toEqual(["shift-2", "shift-3", "rotate+15", "rotate-15", "noise"]);
    expect(result.robustness.conditions[0].accuracy).toBeGreaterThan(0.8);
  });

  it("score reports a refused model on stderr with a non-zero exit", async () => {
    const failure = await holdout("score", "--dataset", "mnist", path.join(fixturesDir, "keras3-h5-cifar10-cnn/cifar10_cnn.h5")).catch((e) => e);
    expect(failure.code).toBe(2);
    expect(failure.stdout).toBe("");
    expect(failure.stderr).toMatch(/error \[INPUT_INCOMPATIBLE\] The model takes input of shape \(None, 32, 32, 3\)/);
  });

  it("inspect prints the summary and the verdict; a folder stands for its files", async () => {
    const { stdout } = await holdout("inspect", "--dataset", "mnist", path.join(fixturesDir, "tfjs-layers-mnist-cnn"));
    expect(stdout).toMatch(/dense_Dense1 \(Dense\)\s+\(None, 512\)\s+819,712/);
    expect(stdout).toContain("Total params: 843,658");
    expect(stdout).toContain("OK: the model can be scored.");
  });
});
