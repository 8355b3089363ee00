/**
 * The robustness panel (lib/evaluation/robustness.ts) on a real fixture model: the scorer's
 * shifted, rotated and noisy accuracies, checked against an independent computation here (same
 * public images, the same perturbation written out with plain array code, the model's own
 * predict), and a CNN keeps most of its accuracy under a 2-pixel shift. The panel goes through
 * the report column's schema on write and read.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { loadDataset, splitPublicPrivate } from "@/lib/datasets";
import { evaluateSubmission, readReport, reportColumnsOf, type EvaluationResult, type TestData } from "@/lib/evaluation";
import { loadSubmissionModel } from "@/lib/models";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";
import { useWasmBackend } from "@/test/unit/models/helpers/data";

beforeAll(useWasmBackend);

const SPLIT = { seed: 20261130, publicFraction: 0.3 };

async function mnistTest(): Promise<TestData> {
  const loaded = await loadDataset("mnist", "test", { allowFetch: false });
  return { images: loaded.images, labels: loaded.labels, count: loaded.count, shape: loaded.shape, numClasses: loaded.numClasses, classNames: loaded.classNames };
}

/** The model's predicted classes for raw 28x28 images, with its preprocessing (1/255), by TF.js' predict. */
function predictClasses(model: tf.LayersModel, images: Uint8Array, count: number): number[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(Float32Array.from(images, (v) => v / 255), [count, 28, 28, 1]);
    return Array.from((model.predict(x, { batchSize: 256 }) as tf.Tensor).argMax(-1).dataSync());
  });
}

describe("robustness panel", () => {
  let result: EvaluationResult;
  let test: TestData;

  beforeAll(async () => {
    test = await mnistTest();
    const fixture = FIXTURE_MODELS.keras3KerasMnist;
    result = await evaluateSubmission({ kind: "WEIGHTS", files: await fixtureModelFiles(fixture.dir), preprocessing: fixture.preprocessing, test, datasetName: "mnist", split: SPLIT });
  }, 300_000);

  it("measures the first 1000 public images, clean and under five perturbations", () => {
    const panel = result.robustness!;
    expect(panel).toBeTruthy();
    expect(panel.examples).toBe(1000);
    expect(panel.publicExamples).toBe(3000);
    expect(panel.conditions.map((c) => c.id)).toEqual(["shift-2", "shift-3", "rotate+15", "rotate-15", "noise"]);
    expect(panel.noiseSigma).toBe(25.5);
    expect(panel.engine).toBe(result.backend);
    // A CNN: near its test accuracy on clean images, still well above chance shifted by 2 pixels.
    expect(panel.clean).toBeGreaterThan(0.97);
    expect(panel.conditions[0].accuracy).toBeGreaterThan(0.8);
    expect(panel.conditions[1].accuracy).toBeLessThan(panel.clean);
    console.info(`[robustness] ${panel.engine}: clean ${panel.clean}, ${panel.conditions.map((c) => `${c.label} ${c.accuracy}`).join(", ")}`);
  });

  it("the shifted accuracy equals an independent computation on the same images", { timeout: 300_000 }, async () => {
    const publicRows = Array.from(splitPublicPrivate(test.labels, { ...SPLIT, numClasses: 10 }).publicIndices.subarray(0, 1000));
    const loaded = await loadSubmissionModel(await fixtureModelFiles(FIXTURE_MODELS.keras3KerasMnist.dir), { dataset: "mnist", preprocessing: "1/255" });
    try {
      const model = loaded.model as tf.LayersModel;
      for (const pixels of [2, 3]) {
        // Image j moves `pixels` right, left, down, up in turn; black comes in.
        const moves = [
          [pixels, 0],
          [-pixels, 0],
          [0, pixels],
          [0, -pixels],
        ];
        const shifted = new Uint8Array(publicRows.length * 784);
        publicRows.forEach((row, j) => {
          const [dx, dy] = moves[j % 4];
          for (let y = 0; y < 28; y++)
            for (let x = 0; x < 28; x++) {
              const sx = x - dx;
              const sy = y - dy;
              shifted[j * 784 + y * 28 + x] = sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? test.images[row * 784 + sy * 28 + sx] : 0;
            }
        });
        const predicted = predictClasses(model, shifted, publicRows.length);
        const accuracy = publicRows.filter((row, j) => predicted[j] === test.labels[row]).length / publicRows.length;
        console.info(`[robustness] fixture CNN, ${pixels}-pixel shift: ${accuracy} (clean ${result.robustness!.clean})`);
        expect(result.robustness!.conditions.find((c) => c.id === `shift-${pixels}`)!.accuracy).toBe(accuracy);
      }
      const clean = predictClasses(model, Uint8Array.from(publicRows.flatMap((row) => Array.from(test.images.subarray(row * 784, (row + 1) * 784)))), publicRows.length);
      expect(result.robustness!.clean).toBe(publicRows.filter((row, j) => clean[j] === test.labels[row]).length / publicRows.length);
    } finally {
      loaded.dispose();
    }
  });

  it("is stored in the report's robustness column and read back through its schema", () => {
    const columns = reportColumnsOf(result);
    const stored = JSON.parse(JSON.stringify(columns));
    const report = readReport({ backend: result.backend, examplesPerSecond: result.examplesPerSecond, ...stored });
    expect(report.robustness).toEqual(result.robustness);
    expect(readReport({ ...stored, backend: null, examplesPerSecond: null, robustness: { examples: "many" } }).robustness).toBeNull();
  });

  it("is left out when the job's time limit leaves no room for it", async () => {
    const { measureRobustness } = await import("@/lib/evaluation/robustness");
    const panel = await measureRobustness({
      images: test.images,
      labels: test.labels,
      shape: [28, 28, 1],
      numClasses: 10,
      publicIndices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => i * 100).concat(Array.from({ length: 200 }, (_, i) => 2000 + i)),
      predicted: new Array(10000).fill(0),
      predict: async () => {
        throw new Error("must not predict");
      },
      maxSeconds: 1,
      examplesPerSecond: 50,
    });
    expect(panel).toBeNull();
  });
});
