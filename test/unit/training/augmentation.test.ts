/**
 * The augmentation transforms, pixel by pixel on tiny images: the training settings' random crop
 * with padding, zoom and combined transform (lib/training/augment.ts), Keras' preprocessing layers
 * (lib/models/layers/augmentation.ts: RandomFlip, RandomTranslation, RandomRotation, RandomZoom,
 * RandomCrop, training vs inference), and the robustness panel's perturbations
 * (lib/evaluation/robustness.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "@/lib/engine/backend";
import { augmentBatch, hasAugmentation, rotateAndShift } from "@/lib/training/augment";
import { describeAugmentation, readTrainingSettings } from "@/lib/models/training-settings";
import { InactiveAtInference, KerasRandomCrop, registerHoldoutLayers, trainingAugmentationLayers } from "@/lib/models/layers";
import { factorRange, kerasRotationRow, kerasTranslationRow, kerasZoomRow, smartResize, transformImages } from "@/lib/models/layers/augmentation";
import { addNoise, rotateImages, shiftImages } from "@/lib/evaluation/robustness";

beforeAll(async () => {
  await initEngine({ prefer: "wasm", log: () => {} });
  registerHoldoutLayers();
});

/** A 3x3 one-channel image 1..9, row by row, as a [1,3,3,1] batch. */
const nine = () => tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
const values = (t: tf.Tensor) => Array.from(t.dataSync());
/** A generator returning the given draws in turn. */
const draws = (...list: number[]) => () => {
  if (list.length === 0) throw new Error("more draws than expected");
  return list.shift()!;
};

describe("training-settings augmentation", () => {
  it("random crop with padding: pad 1, crop at a random offset, black coming in", () => {
    // Draws 0.9, 0.5: x offset floor(0.9*3)-1 = +1, y offset floor(0.5*3)-1 = 0 -> output(x,y) = input(x+1, y).
    const out = augmentBatch(nine(), { cropPadding: 1 }, draws(0.9, 0.5));
    expect(out.shape).toEqual([1, 3, 3, 1]);
    expect(values(out)).toEqual([2, 3, 0, 5, 6, 0, 8, 9, 0]);
    // Offsets -1, -1: the image moves right and down by one pixel.
    expect(values(augmentBatch(nine(), { cropPadding: 1 }, draws(0, 0)))).toEqual([0, 0, 0, 0, 1, 2, 0, 4, 5]);
  });

  it("random crop pads with a black pixel as the preprocessing sees it", () => {
    // Mean/std preprocessing turns raw 0 into -2 here: the padding is -2, not 0.
    const out = augmentBatch(nine(), { cropPadding: 1 }, draws(0.5, 0.99), { black: [-2] });
    expect(values(out)).toEqual([4, 5, 6, 7, 8, 9, -2, -2, -2]);
  });

  it("each image of a batch draws its own crop", () => {
    const batch = tf.concat([nine(), nine()]);
    const out = values(augmentBatch(batch, { cropPadding: 1 }, draws(0.5, 0.5, 0.9, 0.5)));
    expect(out.slice(0, 9)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out.slice(9)).toEqual([2, 3, 0, 5, 6, 0, 8, 9, 0]);
  });

  it("zoom: the row maps output pixels to input pixels about the centre (2 = zoom out by 2)", () => {
    expect(rotateAndShift(0, 0, 0, 1, 1, 2, 2)).toEqual([2, 0, -1, -0, 2, -1, 0, 0]);
    // Zoom draws: angle/shift draws are skipped (0 range) but still drawn; zx = zy = 1 + (2*0.75-1)*0.5... use an exact zoom of 2.
    const zoomed = tf.image.transform(nine(), tf.tensor2d([rotateAndShift(0, 0, 0, 1, 1, 2, 2)]), "nearest", "constant").dataSync();
    // Output (0,0) samples input (-1,-1): outside -> 0; output (1,1) samples (1,1) = 5; output (2,2) samples (3,3): outside.
    expect(Array.from(zoomed)).toEqual([0, 0, 0, 0, 5, 0, 0, 0, 0]);
  });

  it("zoom in augmentBatch draws zx and zy from [1 - z, 1 + z]", () => {
    // Draws: angle 0.5 (0°), shifts unused ranges 0.5, 0.5, zx draw 0.5 -> 1, zy draw 0.5 -> 1: the identity.
    expect(values(augmentBatch(nine(), { zoom: 0.5 }, draws(0.5, 0.5, 0.5, 0.5, 0.5)))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // zx draw 0 -> 0.5, zy draw 0.5 -> 1: columns sampled at 1 + 0.5 (x - 1), bilinear.
    const out = values(augmentBatch(nine(), { zoom: 0.5 }, draws(0.5, 0.5, 0.5, 0, 0.5)));
    expect(out.map((v) => Math.round(v * 100) / 100)).toEqual([1.5, 2, 2.5, 4.5, 5, 5.5, 7.5, 8, 8.5]);
  });

  it("settings: the schema fills defaults, bounds each field and describes what is on", () => {
    const read = readTrainingSettings({ augmentation: { cropPadding: 4, horizontalFlip: true, zoom: 0.1 } });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.settings.augmentation).toEqual({ horizontalFlip: true, rotationDegrees: 0, widthShift: 0, heightShift: 0, zoom: 0.1, cropPadding: 4 });
    expect(describeAugmentation(read.settings.augmentation)).toEqual(["random crop (pad 4 px, crop back)", "horizontal flip", "zoom ±10 %"]);
    expect(hasAugmentation(read.settings.augmentation)).toBe(true);
    expect(hasAugmentation({ horizontalFlip: false, rotationDegrees: 0, widthShift: 0, heightShift: 0, zoom: 0, cropPadding: 0 })).toBe(false);
    expect(readTrainingSettings({ augmentation: { cropPadding: 2.5 } })).toEqual({ ok: false, errors: ["Training setting augmentation.cropPadding: Invalid input: expected int, received number."] });
    expect(readTrainingSettings({ augmentation: { zoom: 0.9 } }).ok).toBe(false);
  });
});

describe("Keras augmentation layers", () => {
  it("factors: a number is a symmetric range, a pair is itself", () => {
    expect(factorRange(0.2)).toEqual([-0.2, 0.2]);
    expect(factorRange([-0.1, 0.3])).toEqual([-0.1, 0.3]);
  });

  it("Keras' matrices, applied with nearest sampling, move pixels exactly", () => {
    const apply = (row: number[], fill: "constant" | "reflect" = "constant") => Array.from(transformImages(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 3, 3, 1], [row], "nearest", fill, 0));
    // Translation by +1 px in x: the image moves right, the first column comes from outside.
    expect(apply(kerasTranslationRow(1, 0))).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    // ... with Keras' default fill_mode "reflect" the column is reflected in (TF.js' wasm kernel
    // wraps instead: 3, 1, 2, ...; hence Holdout's own transform).
    expect(apply(kerasTranslationRow(1, 0), "reflect")).toEqual([1, 1, 2, 4, 4, 5, 7, 7, 8]);
    expect(apply(kerasTranslationRow(-2, 0), "reflect")).toEqual([3, 3, 2, 6, 6, 5, 9, 9, 8]);
    // A quarter turn (factor 0.25 of a full circle) about the centre: counter-clockwise, as Keras documents for positive factors.
    expect(apply(kerasRotationRow(Math.PI / 2, 3, 3)).map(Math.round)).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    // Zoom 2 about the centre: a wider window, the corners come from outside.
    expect(apply(kerasZoomRow(2, 2, 3, 3))).toEqual([0, 0, 0, 0, 5, 0, 0, 0, 0]);
  });

  const layer = (kerasClassName: string, kerasConfig: Record<string, unknown>) => new InactiveAtInference({ name: `${kerasClassName}_test`, kerasClassName, kerasConfig: kerasConfig as tf.serialization.ConfigDict });

  it("RandomFlip flips each image or leaves it during training, and is the identity at inference", () => {
    const flip = layer("RandomFlip", { mode: "horizontal", seed: 3 });
    const batch = tf.concat(Array.from({ length: 16 }, () => nine()));
    const trained = values(flip.apply(batch, { training: true }) as tf.Tensor);
    const kinds = Array.from({ length: 16 }, (_, i) => {
      const image = trained.slice(i * 9, i * 9 + 9).join(",");
      return image === "1,2,3,4,5,6,7,8,9" ? "kept" : image === "3,2,1,6,5,4,9,8,7" ? "flipped" : "other";
    });
    expect(kinds).not.toContain("other");
    expect(kinds).toContain("kept");
    expect(kinds).toContain("flipped");
    expect(values(flip.apply(batch, { training: false }) as tf.Tensor)).toEqual(values(batch));
    expect(values(flip.apply(batch) as tf.Tensor)).toEqual(values(batch));
  });

  it("RandomTranslation, RandomRotation and RandomZoom change images only in training", () => {
    const batch = tf.concat(Array.from({ length: 4 }, () => nine()));
    for (const [cls, config] of [
      ["RandomTranslation", { height_factor: 0.5, width_factor: 0.5, fill_mode: "constant" }],
      ["RandomRotation", { factor: 0.2, fill_mode: "constant" }],
      ["RandomZoom", { height_factor: 0.5, fill_mode: "constant" }],
    ] as const) {
      const l = layer(cls, config);
      expect(values(l.apply(batch, { training: false }) as tf.Tensor)).toEqual(values(batch));
      expect(values(l.apply(batch, { training: true }) as tf.Tensor)).not.toEqual(values(batch));
    }
    // RandomContrast stays inactive in training too (its warning says so).
    const contrast = layer("RandomContrast", { factor: 0.5 });
    expect(values(contrast.apply(batch, { training: true }) as tf.Tensor)).toEqual(values(batch));
  });

  it("RandomCrop: a random window in training, Keras' smart_resize at inference", () => {
    const image = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    const crop = new KerasRandomCrop({ name: "crop", height: 2, width: 2, seed: 5 });
    const trained = crop.apply(image, { training: true }) as tf.Tensor;
    expect(trained.shape).toEqual([1, 2, 2, 1]);
    const [a, b, c, d] = values(trained);
    // A 2x2 window of the 4x4 image: b = a + 1, c = a + 4, d = a + 5.
    expect([b - a, c - a, d - a]).toEqual([1, 4, 5]);
    // Inference: same aspect ratio, so the whole image resized 4x4 -> 2x2 with half-pixel
    // centres: output (0,0) is the mean of input rows 0-1, columns 0-1 = (0+1+4+5)/4.
    expect(values(crop.apply(image, { training: false }) as tf.Tensor)).toEqual([2.5, 4.5, 10.5, 12.5]);
    // A 4x6 image keeps its central 4x4 window (columns 1..4), then resizes.
    const wide = tf.tensor4d(Array.from({ length: 24 }, (_, i) => i), [1, 4, 6, 1]);
    expect(values(smartResize(wide, 2, 2))).toEqual([4.5, 6.5, 16.5, 18.5]);
    // At the target size it is the identity.
    expect(values(smartResize(image, 4, 4))).toEqual(values(image));
  });

  it("lists the layers that act during training, nested models included", () => {
    const inner = tf.sequential({ name: "augment", layers: [new InactiveAtInference({ name: "RandomFlip_test", inputShape: [3, 3, 1], kerasClassName: "RandomFlip", kerasConfig: { mode: "horizontal" } })] });
    const input = tf.input({ shape: [3, 3, 1] });
    const x = inner.apply(input) as tf.SymbolicTensor;
    const y = tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(x)) as tf.SymbolicTensor;
    expect(trainingAugmentationLayers(tf.model({ inputs: input, outputs: y }))).toEqual(["RandomFlip 'RandomFlip_test' (horizontal)"]);
  });
});

describe("robustness perturbations", () => {
  const img = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  it("shifts image j right, left, down, up (j mod 4) with black coming in", () => {
    const four = new Uint8Array(36);
    for (let j = 0; j < 4; j++) four.set(img, j * 9);
    const out = Array.from(shiftImages(four, 4, [3, 3, 1], 1));
    expect(out.slice(0, 9)).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    expect(out.slice(9, 18)).toEqual([2, 3, 0, 5, 6, 0, 8, 9, 0]);
    expect(out.slice(18, 27)).toEqual([0, 0, 0, 1, 2, 3, 4, 5, 6]);
    expect(out.slice(27, 36)).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0]);
  });

  it("rotates about the centre, clockwise for positive degrees, black outside", () => {
    expect(Array.from(rotateImages(img, 1, [3, 3, 1], 90))).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
    expect(Array.from(rotateImages(img, 1, [3, 3, 1], -90))).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    // 45 degrees: the centre stays, corners sample outside partly.
    expect(rotateImages(img, 1, [3, 3, 1], 45)[4]).toBe(5);
  });

  it("adds seeded Gaussian noise, rounded and clipped", () => {
    const flat = new Uint8Array(10000).fill(128);
    const a = addNoise(flat, 25.5, 14);
    expect(Array.from(addNoise(flat, 25.5, 14))).toEqual(Array.from(a));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(Math.abs(mean - 128)).toBeLessThan(1);
    expect(Math.abs(sd - 25.5)).toBeLessThan(1);
    expect(Array.from(addNoise(Uint8Array.from([0, 255]), 1000, 1)).every((v) => v === 0 || v === 255)).toBe(true);
  });
});

describe("RandomCrop in a Keras definition", () => {
  it("builds with the target's shape, pads-then-crops in training and resizes like Keras when scoring", { timeout: 120_000 }, async () => {
    const { loadSubmissionModel } = await import("@/lib/models");
    const { k3 } = await import("@/test/unit/models/helpers/keras-configs");
    const config = k3.sequential([8, 8, 1], [
      k3.layer("ZeroPadding2D", { name: "pad", padding: [[2, 2], [2, 2]] }),
      k3.layer("RandomCrop", { name: "crop", height: 8, width: 8, seed: 1 }),
      k3.layer("Flatten", { name: "flatten" }),
      k3.layer("Dense", { name: "head", units: 2, activation: "softmax" }),
    ]);
    const loaded = await loadSubmissionModel([{ name: "model.json", data: new TextEncoder().encode(JSON.stringify(config)) }], { dataset: { name: "tiny", shape: [8, 8, 1], numClasses: 2 }, track: "architecture" });
    try {
      expect(loaded.summary.layers.find((l) => l.name === "crop")?.outputShape).toBe("(None, 8, 8, 1)");
      expect(loaded.warnings.map((w) => w.message).join("\n")).toContain("Layer 'crop' (RandomCrop) crops at random only during training");
      const model = loaded.model as tf.LayersModel;
      const crop = model.getLayer("crop");
      const image = tf.tensor4d(Array.from({ length: 144 }, (_, i) => i), [1, 12, 12, 1]);
      // Training: an 8x8 window of the padded 12x12 image.
      const window = values(crop.apply(image, { training: true }) as tf.Tensor);
      expect(window[1] - window[0]).toBe(1);
      expect(window[8] - window[0]).toBe(12);
      // Scoring: the whole 12x12 resized to 8x8 (Keras' smart_resize), not a crop.
      expect(values(crop.apply(image, { training: false }) as tf.Tensor)).toEqual(values(tf.image.resizeBilinear(image as tf.Tensor4D, [8, 8], false, true)));
    } finally {
      loaded.dispose();
    }
  });
});

describe("augmentation layers survive serialization", () => {
  it("a model saved and loaded again (as the data-parallel replicas load it) keeps each layer's Keras class and settings", async () => {
    const model = tf.sequential({
      layers: [
        new InactiveAtInference({ name: "flip", inputShape: [4, 4, 1], kerasClassName: "RandomFlip", kerasConfig: { mode: "horizontal", seed: 2 } }),
        new InactiveAtInference({ name: "both", kerasClassName: "RandomFlip", kerasConfig: { mode: "horizontal_and_vertical" } }),
        new InactiveAtInference({ name: "move", kerasClassName: "RandomTranslation", kerasConfig: { height_factor: 0.25, width_factor: [-0.5, 0], fill_mode: "constant" } }),
        new KerasRandomCrop({ name: "crop", height: 2, width: 2, seed: 4 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const reloaded = await tf.models.modelFromJSON(model.toJSON(null, false) as unknown as tf.io.ModelJSON);
    const flip = reloaded.getLayer("flip") as InactiveAtInference;
    expect(flip.kerasClassName).toBe("RandomFlip");
    expect(flip.kerasConfig).toEqual({ mode: "horizontal", seed: 2 });
    expect(flip.actsInTraining).toBe(true);
    const crop = reloaded.getLayer("crop") as KerasRandomCrop;
    expect([crop.height, crop.width, crop.seed]).toEqual([2, 2, 4]);
    expect((reloaded.getLayer("move") as InactiveAtInference).kerasConfig).toEqual({ height_factor: 0.25, width_factor: [-0.5, 0], fill_mode: "constant" });
    expect(trainingAugmentationLayers(reloaded)).toEqual([
      "RandomFlip 'flip' (horizontal)",
      "RandomFlip 'both' (horizontal_and_vertical)",
      "RandomTranslation 'move' (height ±25 %, width -50 % to 0 %)",
      "RandomCrop 'crop' (2x2)",
    ]);
  });
});
