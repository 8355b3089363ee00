/**
 * Parity, always: every real fixture model (../shared/fixtures/models) scored on the full
 * official test set by both engines, TF.js (wasm) and ONNX Runtime (the exported model), gives
 * the same class for every image, probabilities within 1e-4, and each engine's accuracy equals
 * the accuracy the fixture really earns. The scorer then says which engine ran.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { loadDataset } from "@/lib/datasets";
import { chooseScorer, exportLayersModel } from "@/lib/engine/onnx";
import { evaluateSubmission, type TestData } from "@/lib/evaluation";
import { loadSubmissionModel, predictImages } from "@/lib/models";
import { applyLookup, pixelLookupTables } from "@/lib/models/preprocessing";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";
import { useWasmBackend } from "@/test/unit/models/helpers/data";

beforeAll(useWasmBackend);

async function testSet(name: "mnist" | "cifar10"): Promise<TestData> {
  const loaded = await loadDataset(name, "test", { allowFetch: false });
  return { images: loaded.images, labels: loaded.labels, count: loaded.count, shape: loaded.shape, numClasses: loaded.numClasses, classNames: loaded.classNames };
}

function argmax(values: Float32Array, row: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (values[row * k + j] > values[row * k + best]) best = j;
  return best;
}

function accuracy(probabilities: Float32Array, labels: Uint8Array, k: number): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (argmax(probabilities, i, k) === labels[i]) correct++;
  return correct / labels.length;
}

describe("ONNX Runtime and TF.js score every fixture model identically", () => {
  for (const [key, fixture] of Object.entries(FIXTURE_MODELS)) {
    it(`${key}: same class on all 10,000 images, probabilities within 1e-4, accuracy ${fixture.accuracy}`, { timeout: 180_000 }, async () => {
      const test = await testSet(fixture.dataset);
      expect(test.count).toBe(10_000);
      const loaded = await loadSubmissionModel(await fixtureModelFiles(fixture.dir), { dataset: fixture.dataset, preprocessing: fixture.preprocessing });
      try {
        const perImage = test.shape[0] * test.shape[1] * test.shape[2];
        const probe = applyLookup(test.images.subarray(0, 16 * perImage), pixelLookupTables(loaded.preprocessing, test.shape[2]), new Float32Array(16 * perImage));
        const choice = await chooseScorer(loaded, probe, { engine: "onnx", threads: 1 });
        expect(choice.fallbackReason).toBeNull();
        const scorer = choice.scorer!;
        const labels = test.labels.subarray(0, test.count);
        const tfjs = await predictImages(loaded, test.images, test.count, test.shape, { batchSize: 256 });
        const onnx = await predictImages(loaded, test.images, test.count, test.shape, { batchSize: 256, runBatch: (values, n) => scorer.run(values, n) });
        await scorer.release();

        const k = loaded.numClasses;
        let argmaxMismatches = 0;
        let worst = 0;
        for (let i = 0; i < test.count; i++) {
          if (argmax(tfjs.probabilities, i, k) !== argmax(onnx.probabilities, i, k)) argmaxMismatches++;
          for (let j = 0; j < k; j++) worst = Math.max(worst, Math.abs(tfjs.probabilities[i * k + j] - onnx.probabilities[i * k + j]));
        }
        console.info(`[parity] ${key}: max |p_tfjs - p_onnx| = ${worst.toExponential(2)}, argmax mismatches ${argmaxMismatches}`);
        expect(argmaxMismatches).toBe(0);
        expect(worst).toBeLessThanOrEqual(1e-4);
        expect(accuracy(tfjs.probabilities, labels, k).toFixed(4)).toBe(fixture.accuracy.toFixed(4));
        expect(accuracy(onnx.probabilities, labels, k).toFixed(4)).toBe(fixture.accuracy.toFixed(4));
      } finally {
        loaded.dispose();
      }
    });
  }

  it("the scorer reports the engine that ran, and why TF.js when it falls back", async () => {
    const fixture = FIXTURE_MODELS.keras2H5Mnist;
    const test = await testSet("mnist");
    const request = { kind: "WEIGHTS" as const, files: await fixtureModelFiles(fixture.dir), preprocessing: fixture.preprocessing, test, datasetName: "mnist", split: { seed: 42, publicFraction: 0.3 } };
    const onnx = await evaluateSubmission({ ...request, scoringEngine: "auto" });
    expect(onnx.backend).toBe("onnxruntime");
    expect(onnx.splitInfo.engine).toMatchObject({ backend: "onnxruntime", device: "cpu", threads: 1, label: "onnxruntime (cpu, 1 thread)" });
    expect(onnx.overall.accuracy.toFixed(4)).toBe(fixture.accuracy.toFixed(4));
    const tfjs = await evaluateSubmission({ ...request, scoringEngine: "tfjs" });
    expect(tfjs.backend).toBe("wasm");
    expect(tfjs.splitInfo.engine?.label).toBe("tfjs-wasm: HOLDOUT_SCORING_ENGINE=tfjs");
    expect(tfjs.splitInfo.engine?.skipped[0]).toEqual({ backend: "onnxruntime", reason: "HOLDOUT_SCORING_ENGINE=tfjs" });
    expect(tfjs.overall.confusion).toEqual(onnx.overall.confusion);
  });

  it("exports as ONNX IR version 8, opset 17, NHWC input", async () => {
    const loaded = await loadSubmissionModel(await fixtureModelFiles(FIXTURE_MODELS.keras3H5Cifar.dir), { dataset: "cifar10" });
    try {
      const exported = exportLayersModel(loaded.model as tf.LayersModel);
      const { decodeModel } = await import("@/lib/engine/onnx/proto");
      const model = decodeModel(exported.bytes);
      expect(model.irVersion).toBe(8);
      expect(model.opsetImport).toEqual([{ domain: "", version: 17 }]);
      expect(exported.inputShape).toEqual([32, 32, 3]);
      expect(exported.ops.Conv).toBe(2);
      // One transpose into NCHW at the input, one back to NHWC before Flatten.
      expect(exported.ops.Transpose).toBe(2);
    } finally {
      loaded.dispose();
    }
  });
});
