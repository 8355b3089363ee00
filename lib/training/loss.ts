/**
 * Loss and accuracy for a classifier, matching Keras' categorical cross-entropy.
 *
 * A model ending in softmax outputs probabilities: the loss is -sum(y log p) with p clipped to
 * [1e-7, 1 - 1e-7] (Keras' epsilon). A model ending in a linear layer outputs logits: the loss
 * is softmax cross-entropy on them, computed stably.
 */
import * as tf from "@tensorflow/tfjs";

export type LossFunction = (yTrue: tf.Tensor2D, yPred: tf.Tensor) => tf.Scalar;

const EPSILON = 1e-7;

export function outputsProbabilities(model: tf.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  if (!last) return false;
  if (last.getClassName() === "Softmax") return true;
  const config = last.getConfig() as { activation?: unknown };
  return config.activation === "softmax";
}

export function classificationLoss(model: tf.LayersModel): LossFunction {
  if (outputsProbabilities(model)) {
    return (yTrue, yPred) =>
      tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, EPSILON, 1 - EPSILON))), -1))) as tf.Scalar);
  }
  return (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred) as tf.Scalar;
}

/** Number of rows whose arg-max matches the one-hot label. */
export function countCorrect(yTrue: tf.Tensor2D, yPred: tf.Tensor): number {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1)), "int32")).dataSync()[0]);
}
