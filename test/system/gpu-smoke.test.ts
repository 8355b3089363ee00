/**
 * GPU smoke test: where @tensorflow/tfjs-node-gpu is installed and TensorFlow itself reports a
 * GPU, checks that ops really run there (TensorFlow's isUsingGpuDevice, libtensorflow's own
 * "Created device ... GPU" line in a fresh process, a probe matMul with the right numbers) and
 * that every fixture model scores on the GPU exactly as on the CPU (wasm): the same accuracy, the
 * one the fixture earns, and the same class for (nearly) every image. Elsewhere it is skipped and
 * prints why (these development machines have no GPU: see ../shared/ENVIRONMENT.md).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { loadDataset } from "@/lib/datasets";
import { initEngine, type EngineInfo } from "@/lib/engine/backend";
import { evaluateSubmission, type TestData } from "@/lib/evaluation";
import { projectRoot } from "@/lib/sandbox/paths";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";

let gpu: EngineInfo | null = null;
let skipReason: string | null = null;

beforeAll(async () => {
  const gpuPackage = path.join(projectRoot(), "node_modules", "@tensorflow", "tfjs-node-gpu", "package.json");
  if (!existsSync(gpuPackage)) {
    skipReason = "@tensorflow/tfjs-node-gpu is not installed (npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0 on a CUDA 11.2 + cuDNN 8.1 machine)";
  } else {
    try {
      gpu = await initEngine({ prefer: "gpu", log: () => {} });
    } catch (error) {
      skipReason = `tfjs-node-gpu is installed but TensorFlow sees no usable GPU: ${(error as Error).message}`;
    }
  }
  if (skipReason) console.log(`[gpu-smoke] SKIPPED: ${skipReason}`);
}, 120_000);

async function testSet(name: "mnist" | "cifar10"): Promise<TestData> {
  const loaded = await loadDataset(name, "test", { allowFetch: false });
  return { images: loaded.images, labels: loaded.labels, count: loaded.count, shape: loaded.shape, numClasses: loaded.numClasses, classNames: loaded.classNames };
}

describe("GPU path (tfjs-node-gpu)", () => {
  it("TensorFlow itself reports the GPU and a probe op runs on it", (context) => {
    if (!gpu) return context.skip(skipReason ?? "no GPU");
    expect(gpu.backend).toBe("tensorflow-gpu");
    expect(gpu.device).toBe("gpu");
    expect(gpu.details.gpu).toEqual({ usingGpuDevice: true, probe: "ok" });
    // libtensorflow's own log in a fresh process: it created a GPU device.
    const script = "const tf = require('@tensorflow/tfjs-node-gpu'); tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync(); console.log('gpu=' + tf.backend().isUsingGpuDevice);";
    const run = spawnSync(process.execPath, ["-e", script], { cwd: projectRoot(), env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "0" }, encoding: "utf8", timeout: 120_000 });
    expect(run.stdout).toContain("gpu=true");
    expect(run.stderr).toMatch(/Created device .*GPU:0/);
    // A large matMul on the GPU equals the same product on the CPU backend (float32 tolerance).
    const a = tf.randomUniform([512, 512], -1, 1, "float32", 7);
    const b = tf.randomUniform([512, 512], -1, 1, "float32", 8);
    const onGpu = tf.matMul(a, b).dataSync();
    const values = [a.dataSync(), b.dataSync()];
    expect(onGpu.length).toBe(512 * 512);
    // Row 0, column 0 by hand.
    let expected = 0;
    for (let k = 0; k < 512; k++) expected += values[0][k] * values[1][k * 512];
    expect(Math.abs(onGpu[0] - expected)).toBeLessThan(1e-3);
  });

  for (const [key, fixture] of Object.entries(FIXTURE_MODELS)) {
    it(`${key}: scores on the GPU equal the CPU's (accuracy ${fixture.accuracy})`, { timeout: 300_000 }, async (context) => {
      if (!gpu) return context.skip(skipReason ?? "no GPU");
      const test = await testSet(fixture.dataset);
      const request = { kind: "WEIGHTS" as const, files: await fixtureModelFiles(fixture.dir), preprocessing: fixture.preprocessing, test, datasetName: fixture.dataset, split: { seed: 42, publicFraction: 0.3 }, scoringEngine: "tfjs" as const };
      await initEngine({ prefer: "gpu", log: () => {} });
      const onGpu = await evaluateSubmission(request);
      expect(onGpu.splitInfo.engine).toMatchObject({ backend: "tensorflow-gpu", device: "gpu" });
      await initEngine({ prefer: "wasm", log: () => {} });
      const onCpu = await evaluateSubmission(request);
      expect(onCpu.splitInfo.engine).toMatchObject({ backend: "wasm", device: "cpu" });
      expect(onGpu.overall.accuracy.toFixed(4)).toBe(fixture.accuracy.toFixed(4));
      expect(onGpu.overall.accuracy).toBe(onCpu.overall.accuracy);
      expect(onGpu.public.accuracy).toBe(onCpu.public.accuracy);
      expect(onGpu.private.accuracy).toBe(onCpu.private.accuracy);
      expect(onGpu.public.confusion).toEqual(onCpu.public.confusion);
    });
  }
});
