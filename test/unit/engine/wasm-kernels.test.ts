import { beforeAll, afterAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "@/lib/engine/backend";
import { onBothBackends, randomValues, relativeError } from "./gradient-helpers";

const TOLERANCE = 1e-4;

beforeAll(async () => {
  await initEngine({ prefer: "cpu", log: () => {} });
  await initEngine({ prefer: "wasm", log: () => {} });
});

afterAll(async () => {
  await tf.setBackend("wasm");
});

/** Gradients of sum(conv(x, w) * r) with respect to x and w: r makes every output position count differently. */
async function convGradients(kind: "conv2d" | "depthwise", xShape: number[], wShape: number[], strides: number, pad: "same" | "valid" | number, seed: number) {
  const outShape = tf.tidy(() => {
    const x = tf.zeros(xShape as [number, number, number, number]);
    const w = tf.zeros(wShape as [number, number, number, number]);
    return (kind === "conv2d" ? tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad) : tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad)).shape;
  });
  return onBothBackends(
    [
      { values: randomValues(xShape, seed), shape: xShape },
      { values: randomValues(wShape, seed + 1), shape: wShape },
      { values: randomValues(outShape, seed + 2), shape: outShape },
    ],
    (x, w, r) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const y = kind === "conv2d" ? tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad) : tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
        return tf.sum(tf.mul(y, r));
      })([x, w]),
  );
}

describe("Conv2D gradients on wasm match cpu", () => {
  const cases: Array<[string, number[], number[], number, "same" | "valid" | number]> = [
    ["3x3 stride 1 same", [2, 7, 7, 3], [3, 3, 3, 4], 1, "same"],
    ["3x3 stride 1, explicit padding 1", [2, 6, 6, 2], [3, 3, 2, 3], 1, 1],
    ["3x3 stride 2, explicit padding 1", [2, 7, 7, 2], [3, 3, 2, 3], 2, 1],
    ["3x3 stride 1 valid", [3, 9, 8, 2], [3, 3, 2, 5], 1, "valid"],
    ["3x3 stride 2 same", [2, 8, 8, 3], [3, 3, 3, 4], 2, "same"],
    ["3x3 stride 2 same, odd size", [2, 9, 7, 3], [3, 3, 3, 2], 2, "same"],
    ["5x5 stride 2 valid", [3, 11, 10, 2], [5, 5, 2, 3], 2, "valid"],
    ["5x5 stride 1 same, 1 input channel (first layer)", [4, 12, 12, 1], [5, 5, 1, 6], 1, "same"],
    ["2x3 filter, batch 1", [1, 6, 5, 1], [2, 3, 1, 2], 1, "valid"],
    ["1x1 filter", [2, 5, 5, 8], [1, 1, 8, 4], 1, "same"],
    ["wide rows (row-by-row im2col with memcpy runs)", [9, 4, 40, 3], [3, 3, 3, 4], 1, "same"],
    ["LeNet conv2 shape, small batch", [2, 14, 14, 6], [5, 5, 6, 16], 1, "valid"],
  ];
  for (const [name, xShape, wShape, strides, pad] of cases) {
    it(name, async () => {
      const { cpu, wasm } = await convGradients("conv2d", xShape, wShape, strides, pad, 11);
      expect(relativeError(wasm[0], cpu[0]), "dx").toBeLessThan(TOLERANCE);
      expect(relativeError(wasm[1], cpu[1]), "dW").toBeLessThan(TOLERANCE);
    });
  }

  it("filter gradient by shifted windows over several chunks (16x16 'same': the grid path)", async () => {
    // 40 samples of an 18x18 padded grid = 13 samples per 4096-column chunk: 4 chunks, the last
    // with one sample, whose last window runs past the end of the planes.
    const { cpu, wasm } = await convGradients("conv2d", [40, 16, 16, 3], [3, 3, 3, 5], 1, "same", 9);
    expect(relativeError(wasm[1], cpu[1])).toBeLessThan(TOLERANCE);
  });

  it("filter gradient over a batch that spans several GEMM chunks", async () => {
    // 80 samples of 8x8 outputs = 5120 columns: more than one 4096-column chunk, with a remainder.
    const { cpu, wasm } = await convGradients("conv2d", [80, 8, 8, 4], [3, 3, 4, 8], 1, "same", 5);
    expect(relativeError(wasm[1], cpu[1])).toBeLessThan(TOLERANCE);
  });
});

describe("DepthwiseConv2dNative gradients on wasm match cpu", () => {
  const cases: Array<[string, number[], number[], number, "same" | "valid"]> = [
    ["multiplier 1, stride 1 same", [2, 7, 7, 3], [3, 3, 3, 1], 1, "same"],
    ["multiplier 1, stride 2 valid", [2, 9, 9, 4], [3, 3, 4, 1], 2, "valid"],
    ["multiplier 2, stride 2 same", [2, 8, 8, 3], [3, 3, 3, 2], 2, "same"],
    ["multiplier 3, stride 1 valid", [1, 6, 6, 2], [2, 2, 2, 3], 1, "valid"],
  ];
  for (const [name, xShape, wShape, strides, pad] of cases) {
    it(name, async () => {
      const { cpu, wasm } = await convGradients("depthwise", xShape, wShape, strides, pad, 21);
      expect(relativeError(wasm[0], cpu[0]), "dx").toBeLessThan(TOLERANCE);
      expect(relativeError(wasm[1], cpu[1]), "dW").toBeLessThan(TOLERANCE);
    });
  }
});

describe("other replaced kernels match cpu", () => {
  it("BatchMatMul with transposes, rank 2 and batch-1 rank 3", async () => {
    const a = { values: randomValues([6, 5], 1), shape: [6, 5] };
    const b = { values: randomValues([5, 4], 2), shape: [5, 4] };
    const c = { values: randomValues([6, 4], 3), shape: [6, 4] };
    const { cpu, wasm } = await onBothBackends([a, b, c], (ta, tb, tc) => [
      tf.matMul(ta, tc, true, false),
      tf.matMul(tc, tb, false, true),
      tf.matMul(tb, ta, true, true),
      tf.matMul(ta.reshape([1, 6, 5]), tc.reshape([1, 6, 4]), true, false),
      tf.matMul(ta, tb),
    ]);
    cpu.forEach((reference, i) => expect(relativeError(wasm[i], reference), `product ${i}`).toBeLessThan(TOLERANCE));
  });

  it("Dense layer gradients (BatchMatMul transposes in backprop)", async () => {
    const { cpu, wasm } = await onBothBackends(
      [
        { values: randomValues([7, 9], 4), shape: [7, 9] },
        { values: randomValues([9, 3], 5), shape: [9, 3] },
      ],
      (x, w) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b))))([x, w]),
    );
    expect(relativeError(wasm[0], cpu[0])).toBeLessThan(TOLERANCE);
    expect(relativeError(wasm[1], cpu[1])).toBeLessThan(TOLERANCE);
  });

  it("MaxPoolGrad, including overlapping windows, padding and ties", async () => {
    const x = { values: randomValues([2, 7, 7, 3], 6), shape: [2, 7, 7, 3] };
    // Ties: relu of random values has many zeros; a constant block has all-equal windows.
    const ties = { values: new Float32Array(2 * 6 * 6 * 2).map((_, i) => (i % 7 === 0 ? 1 : 0)), shape: [2, 6, 6, 2] };
    for (const [filter, stride, pad] of [[2, 2, "valid"], [3, 2, "same"], [3, 1, "same"], [2, 1, "valid"]] as const) {
      const { cpu, wasm } = await onBothBackends([x], (t) => tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, filter, stride, pad))))(t));
      expect(relativeError(wasm[0], cpu[0]), `${filter}/${stride}/${pad}`).toBeLessThan(TOLERANCE);
    }
    const { cpu, wasm } = await onBothBackends([ties], (t) => tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, "valid")))(t));
    expect(Array.from(wasm[0])).toEqual(Array.from(cpu[0]));
  });

  it("Tile, Sum and Mean over leading axes", async () => {
    const x = { values: randomValues([3, 4, 5, 6], 7), shape: [3, 4, 5, 6] };
    const v = { values: randomValues([1, 1, 1, 6], 8), shape: [1, 1, 1, 6] };
    const { cpu, wasm } = await onBothBackends([x, v], (t, u) => [
      tf.tile(t, [2, 1, 3, 2]),
      tf.tile(u, [3, 4, 5, 1]),
      tf.tile(t.reshape([12, 30]), [1, 3]),
      tf.sum(t, [0, 1, 2]),
      tf.sum(t, [0, 1], true),
      tf.sum(t, 0),
      tf.sum(t, [1, 3]),
      tf.mean(t, [0, 1, 2]),
      tf.mean(t, [0, 1]),
      tf.mean(t),
    ]);
    cpu.forEach((reference, i) => expect(relativeError(wasm[i], reference), `output ${i}`).toBeLessThan(TOLERANCE));
  });

  it("BatchNormalization training gradients (Tile, Sum, Mean in backprop)", async () => {
    const { cpu, wasm } = await onBothBackends([{ values: randomValues([4, 5, 5, 3], 9), shape: [4, 5, 5, 3] }], (x) =>
      tf.grad((a: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        const offset = tf.tensor1d([0.1, -0.2, 0.3]);
        const scale = tf.tensor1d([1.5, 0.5, 2]);
        return tf.sum(tf.square(tf.batchNorm(a, mean, variance, offset, scale, 1e-3)).mul(tf.range(0, 3).add(1)));
      })(x),
    );
    expect(relativeError(wasm[0], cpu[0])).toBeLessThan(TOLERANCE);
  });

  it("Identity shares memory safely: a clone outlives its source", async () => {
    await tf.setBackend("wasm");
    const source = tf.tensor([1, 2, 3]);
    const copy = tf.clone(source);
    source.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    copy.dispose();
  });
});

describe("the wasm kernels free their intermediates", () => {
  it("no data left behind after forward and backward passes", async () => {
    await tf.setBackend("wasm");
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.randomUniform([3, 9, 9, 4]) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, 4, 5]) as tf.Tensor4D;
    const dw = tf.randomUniform([3, 3, 4, 2]) as tf.Tensor4D;
    const step = () =>
      tf.tidy(() => {
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")))([x, w]);
        const [hx, hw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same")))([x, dw]);
        const pooled = tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, "same")))(x);
        return tf.addN([gx.sum(), gw.sum(), hx.sum(), hw.sum(), pooled.sum(), tf.tile(w, [1, 1, 1, 2]).sum(), tf.matMul(w.reshape([36, 5]), w.reshape([36, 5]), true).sum()]).dataSync();
      });
    step();
    const before = backend.numDataIds();
    const tensorsBefore = tf.memory().numTensors;
    step();
    step();
    expect(backend.numDataIds()).toBe(before);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    tf.dispose([x, w, dw]);
  });
});

describe("training on wasm", () => {
  it("a small CNN's loss goes down over a few adam steps", async () => {
    await tf.setBackend("wasm");
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [10, 10, 1], filters: 4, kernelSize: 3, activation: "relu" }),
        tf.layers.batchNormalization(),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", activation: "relu" }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, activation: "softmax" }),
      ],
    });
    // Class 1: bright left half; class 0: bright right half.
    const n = 32;
    const images = new Float32Array(n * 100);
    const labels = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const cls = i % 2;
      for (let p = 0; p < 100; p++) images[i * 100 + p] = (p % 10 < 5) === (cls === 1) ? 1 : Math.random() * 0.2;
      labels[i * 2 + cls] = 1;
    }
    const x = tf.tensor4d(images, [n, 10, 10, 1]);
    const y = tf.tensor2d(labels, [n, 2]);
    const optimizer = tf.train.adam(0.01);
    const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.log(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, true, variables);
      losses.push(loss!.dataSync()[0]);
      loss!.dispose();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});
