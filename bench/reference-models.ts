/**
 * The course's reference models, built fresh on each call (no work at import time). Used by the
 * benchmark and as realistic shapes in tests.
 */
import * as tf from "@tensorflow/tfjs";

export type ReferenceModelName = "mnist-mlp" | "lenet5" | "mnist-cnn" | "cifar-cnn";

export interface ReferenceModel {
  name: ReferenceModelName;
  description: string;
  inputShape: [number, number, number];
  numClasses: number;
  build: () => tf.LayersModel;
}

/** 784-512-512-512-10 with dropout 0.2 after each hidden layer. */
function mnistMlp(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
  for (let i = 0; i < 3; i++) {
    model.add(tf.layers.dense({ units: 512, activation: "relu" }));
    model.add(tf.layers.dropout({ rate: 0.2 }));
  }
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return model;
}

/** Classic LeNet-5: conv 5x5x6 (same) - pool - conv 5x5x16 (valid) - pool - 120 - 84 - 10. */
function lenet5(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: "same", activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: "valid", activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 120, activation: "relu" }));
  model.add(tf.layers.dense({ units: 84, activation: "relu" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return model;
}

/** The Keras "mnist_cnn" example: conv 3x3x32 - conv 3x3x64 - pool - dropout - 128 - dropout - 10. */
function mnistCnn(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu" }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 128, activation: "relu" }));
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return model;
}

/** Course CIFAR-10 CNN: 3 blocks of (conv-BN) x2 - pool - dropout with 32/64/128 filters, dense 512. */
function cifarCnn(): tf.LayersModel {
  const model = tf.sequential();
  [32, 64, 128].forEach((filters, block) => {
    for (let k = 0; k < 2; k++) {
      const first = block === 0 && k === 0;
      model.add(tf.layers.conv2d({ ...(first ? { inputShape: [32, 32, 3] } : {}), filters, kernelSize: 3, padding: "same", activation: "relu" }));
      model.add(tf.layers.batchNormalization());
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.dropout({ rate: 0.2 + 0.1 * block }));
  });
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 512, activation: "relu" }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  return model;
}

export const REFERENCE_MODELS: ReferenceModel[] = [
  { name: "mnist-mlp", description: "MNIST MLP 784-512-512-512-10, dropout 0.2", inputShape: [28, 28, 1], numClasses: 10, build: mnistMlp },
  { name: "lenet5", description: "LeNet-5: conv5x5x6-pool-conv5x5x16-pool-120-84-10", inputShape: [28, 28, 1], numClasses: 10, build: lenet5 },
  { name: "mnist-cnn", description: "Keras mnist_cnn: conv3x3x32-conv3x3x64-pool-128-10", inputShape: [28, 28, 1], numClasses: 10, build: mnistCnn },
  { name: "cifar-cnn", description: "CIFAR CNN: 3x(2 conv3x3+BN, pool, dropout) 32/64/128, dense 512", inputShape: [32, 32, 3], numClasses: 10, build: cifarCnn },
];

export function referenceModel(name: ReferenceModelName): ReferenceModel {
  const found = REFERENCE_MODELS.find((m) => m.name === name);
  if (!found) throw new Error(`unknown reference model ${name}`);
  return found;
}
