/** Batched inference: preprocessing, batching, output kinds, and no leaked tensors. */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { buildModelFromArchitecture, parsePreprocessing, predictImages, toProbabilities, type LoadedSubmission } from "@/lib/models";
import { applyLookup, pixelLookupTables, resolvePreprocessing } from "@/lib/models/preprocessing";
import { WarningList } from "@/lib/models/errors";
import { useWasmBackend } from "./helpers/data";
import { k3 } from "./helpers/keras-configs";
import { randomizeWeights, randomPixels } from "./helpers/models";

beforeAll(useWasmBackend);

describe("preprocessing", () => {
  it('"1/255" equals numpy\'s uint8 / 255.0 cast to float32, and TF.js\' own float32 division', () => {
    const [table] = pixelLookupTables("1/255", 1);
    const pixels = Float32Array.from({ length: 256 }, (_, p) => p);
    const divided = tf.tidy(() => tf.div(tf.tensor(pixels), 255).dataSync());
    for (let p = 0; p < 256; p++) {
      expect(table[p]).toBe(Math.fround(p / 255));
      expect(table[p]).toBe(divided[p]);
    }
  });

  it("applies per-channel mean/std on the 0..1 scale, interleaved NHWC", () => {
    const tables = pixelLookupTables({ mean: [0.5, 0.25, 0], std: [0.5, 0.25, 1] }, 3);
    const out = applyLookup(new Uint8Array([255, 255, 255, 0, 0, 0]), tables, new Float32Array(6));
    expect(Array.from(out)).toEqual([1, 3, 1, -1, -1, 0]);
    expect(Array.from(applyLookup(new Uint8Array([0, 255]), pixelLookupTables("raw", 1), new Float32Array(2)))).toEqual([0, 255]);
  });

  it("parses declared preprocessing, and defaults to raw for models that rescale themselves", () => {
    expect(parsePreprocessing("raw")).toBe("raw");
    expect(parsePreprocessing("/255")).toBe("1/255");
    expect(parsePreprocessing('{"mean":[0.1307],"std":[0.3081]}')).toEqual({ mean: [0.1307], std: [0.3081] });
    expect(() => parsePreprocessing({ mean: [0.5], std: [0] })).toThrow(/not valid/);
    const warnings = new WarningList();
    expect(resolvePreprocessing(undefined, [], warnings)).toBe("1/255");
    expect(resolvePreprocessing(undefined, [{ name: "r", scale: 1 / 255, offset: 0 }], warnings)).toBe("raw");
    expect(resolvePreprocessing("raw", [{ name: "r", scale: 1 / 255, offset: 0 }], warnings)).toBe("raw");
    expect(warnings.items.map((w) => w.code)).toEqual(["RAW_PIXELS_ASSUMED"]);
  });
});

describe("predictImages", () => {
  function submission(model: tf.LayersModel, inputShape: number[], outputKind: LoadedSubmission["outputKind"]) {
    return {
      inputShape,
      numClasses: 10,
      outputKind,
      preprocessing: "1/255" as const,
      predictBatch: async (x: tf.Tensor) => tf.tidy(() => model.predict(x) as tf.Tensor),
    };
  }

  it("gives the same outputs for every batch size (partial last batch included) and frees every tensor", async () => {
    const model = buildModelFromArchitecture(k3.sequential([784], [k3.layer("Dense", { name: "d", units: 10, activation: "softmax" })]));
    randomizeWeights(model, 3);
    const pixels = randomPixels(50, [28, 28, 1]);
    const before = tf.memory().numTensors;
    const reference = await predictImages(submission(model, [784], "probabilities"), pixels, 50, [28, 28, 1], { batchSize: 50 });
    for (const batchSize of [1, 7, 16, 64]) {
      const result = await predictImages(submission(model, [784], "probabilities"), pixels, 50, [28, 28, 1], { batchSize });
      expect(result.outputs).toEqual(reference.outputs);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(reference.probabilities).toBe(reference.outputs);
    model.dispose();
  });

  it("turns logits into probabilities with a stable softmax, and other scores by normalizing", async () => {
    const model = buildModelFromArchitecture(k3.sequential([784], [k3.layer("Dense", { name: "d", units: 10 })]));
    randomizeWeights(model, 4);
    const pixels = randomPixels(3, [28, 28, 1]);
    const result = await predictImages(submission(model, [784], "logits"), pixels, 3, [28, 28, 1]);
    for (let row = 0; row < 3; row++) {
      const logits = Array.from(result.outputs.subarray(row * 10, row * 10 + 10));
      const z = logits.reduce((a, v) => a + Math.exp(v), 0);
      logits.forEach((v, k) => expect(result.probabilities[row * 10 + k]).toBeCloseTo(Math.exp(v) / z, 6));
    }
    expect(Array.from(toProbabilities(new Float32Array([1, 3, 0, 0]), 2, "scores"))).toEqual([0.25, 0.75, 0.5, 0.5]);
    expect(Array.from(toProbabilities(new Float32Array([1000, 0]), 2, "logits"))).toEqual([1, 0]);
    model.dispose();
  });
});
