/**
 * The course's reference models, as data: one definition per model, from which Holdout writes the
 * Keras JSON a definition submission uploads (./keras.ts), the starter Keras script (./script.ts),
 * and the TF.js models the benchmark times (bench/reference-models.ts builds them from the same
 * Keras JSON with the platform's own loader). Nothing here loads TF.js, so the web process may use it.
 */

export type ReferenceModelName = "mnist-mlp" | "lenet5" | "mnist-cnn" | "cifar-cnn";

export type LayerDef =
  | { kind: "flatten" }
  | { kind: "dense"; units: number; activation: "relu" | "softmax" }
  | { kind: "dropout"; rate: number }
  | { kind: "conv2d"; filters: number; kernelSize: number; padding: "same" | "valid"; activation: "relu" }
  | { kind: "maxPooling2d"; poolSize: number }
  | { kind: "batchNormalization" };

export interface ReferenceModelDef {
  name: ReferenceModelName;
  description: string;
  /** The shape and classes it was written for; Keras JSON can be written for another shape of the same kind. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Hidden layers; the classifier (Dense numClasses, softmax) is appended for the competition's class count. */
  layers: LayerDef[];
}

const dense = (units: number): LayerDef => ({ kind: "dense", units, activation: "relu" });
const dropout = (rate: number): LayerDef => ({ kind: "dropout", rate });
const conv = (filters: number, kernelSize: number, padding: "same" | "valid"): LayerDef => ({ kind: "conv2d", filters, kernelSize, padding, activation: "relu" });
const pool: LayerDef = { kind: "maxPooling2d", poolSize: 2 };

/** 784-512-512-512-10 with dropout 0.2 after each hidden layer. */
const MNIST_MLP: ReferenceModelDef = {
  name: "mnist-mlp",
  description: "MNIST MLP 784-512-512-512-10, dropout 0.2",
  inputShape: [28, 28, 1],
  numClasses: 10,
  layers: [{ kind: "flatten" }, dense(512), dropout(0.2), dense(512), dropout(0.2), dense(512), dropout(0.2)],
};

/** Classic LeNet-5: conv 5x5x6 (same) - pool - conv 5x5x16 (valid) - pool - 120 - 84 - 10. */
const LENET5: ReferenceModelDef = {
  name: "lenet5",
  description: "LeNet-5: conv5x5x6-pool-conv5x5x16-pool-120-84-10",
  inputShape: [28, 28, 1],
  numClasses: 10,
  layers: [conv(6, 5, "same"), pool, conv(16, 5, "valid"), pool, { kind: "flatten" }, dense(120), dense(84)],
};

/** The Keras "mnist_cnn" example: conv 3x3x32 - conv 3x3x64 - pool - dropout - 128 - dropout - 10. */
const MNIST_CNN: ReferenceModelDef = {
  name: "mnist-cnn",
  description: "Keras mnist_cnn: conv3x3x32-conv3x3x64-pool-128-10",
  inputShape: [28, 28, 1],
  numClasses: 10,
  layers: [conv(32, 3, "valid"), conv(64, 3, "valid"), pool, dropout(0.25), { kind: "flatten" }, dense(128), dropout(0.5)],
};

/** Course CIFAR-10 CNN: 3 blocks of (conv-BN) x2 - pool - dropout with 32/64/128 filters, dense 512. */
const CIFAR_CNN: ReferenceModelDef = {
  name: "cifar-cnn",
  description: "CIFAR CNN: 3x(2 conv3x3+BN, pool, dropout) 32/64/128, dense 512",
  inputShape: [32, 32, 3],
  numClasses: 10,
  layers: [
    ...[32, 64, 128].flatMap((filters, block): LayerDef[] => [conv(filters, 3, "same"), { kind: "batchNormalization" }, conv(filters, 3, "same"), { kind: "batchNormalization" }, pool, dropout(0.2 + 0.1 * block)]),
    { kind: "flatten" },
    dense(512),
    { kind: "batchNormalization" },
    dropout(0.5),
  ],
};

export const REFERENCE_MODEL_DEFS: ReferenceModelDef[] = [MNIST_MLP, LENET5, MNIST_CNN, CIFAR_CNN];

export function referenceModelDef(name: ReferenceModelName): ReferenceModelDef {
  const found = REFERENCE_MODEL_DEFS.find((model) => model.name === name);
  if (!found) throw new Error(`unknown reference model ${name}`);
  return found;
}

/** Every layer of the model for this data, the classifier included. */
export function layersFor(model: ReferenceModelDef, numClasses: number): LayerDef[] {
  return [...model.layers, { kind: "dense", units: numClasses, activation: "softmax" }];
}

/**
 * Trainable + non-trainable parameters of the model on this input (Keras's count: BatchNormalization
 * has 4 per channel). Checked against the TF.js model's own count in a test.
 */
export function countParams(model: ReferenceModelDef, inputShape: [number, number, number], numClasses: number): number {
  let [h, w, c] = inputShape;
  let flat: number | null = null;
  let params = 0;
  for (const layer of layersFor(model, numClasses)) {
    switch (layer.kind) {
      case "flatten":
        flat = h * w * c;
        break;
      case "dense": {
        const inputs = flat ?? c;
        params += inputs * layer.units + layer.units;
        flat = layer.units;
        break;
      }
      case "conv2d":
        params += layer.kernelSize * layer.kernelSize * c * layer.filters + layer.filters;
        if (layer.padding === "valid") {
          h -= layer.kernelSize - 1;
          w -= layer.kernelSize - 1;
        }
        c = layer.filters;
        break;
      case "maxPooling2d":
        h = Math.floor(h / layer.poolSize);
        w = Math.floor(w / layer.poolSize);
        break;
      case "batchNormalization":
        params += 4 * (flat ?? c);
        break;
      case "dropout":
        break;
    }
  }
  return params;
}
