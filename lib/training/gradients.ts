/**
 * One forward/backward pass without applying anything: the loss, the number of correct
 * predictions and the gradient of every trainable variable. Shared by the single-process step
 * and the data-parallel replicas, so they compute exactly the same thing.
 */
import * as tf from "@tensorflow/tfjs";
import { countCorrect, type LossFunction } from "./loss";

export interface BatchGradients {
  loss: number;
  correct: number;
  /** In the order of `variables`. The caller disposes them. */
  grads: tf.Tensor[];
}

export function computeGradients(model: tf.LayersModel, variables: tf.Variable[], lossFn: LossFunction, x: tf.Tensor, y: tf.Tensor2D): BatchGradients {
  let predictions: tf.Tensor | null = null;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const output = model.apply(x, { training: true }) as tf.Tensor;
      predictions = tf.keep(output);
      return lossFn(y, output);
    }, variables);
    const loss = value.dataSync()[0];
    value.dispose();
    return { loss, correct: countCorrect(y, predictions as unknown as tf.Tensor), grads: variables.map((v) => grads[v.name]) };
  } finally {
    (predictions as tf.Tensor | null)?.dispose();
  }
}

/** Applies gradients given in `variables` order. */
export function applyGradients(optimizer: tf.Optimizer, variables: tf.Variable[], grads: tf.Tensor[]): void {
  const named: tf.NamedTensorMap = {};
  variables.forEach((v, i) => (named[v.name] = grads[i]));
  optimizer.applyGradients(named);
}

export function createOptimizer(settings: { optimizer: "adam" | "sgd" | "rmsprop"; learningRate: number }): tf.Optimizer {
  switch (settings.optimizer) {
    case "adam":
      return tf.train.adam(settings.learningRate);
    case "sgd":
      return tf.train.sgd(settings.learningRate);
    case "rmsprop":
      return tf.train.rmsprop(settings.learningRate);
  }
}
