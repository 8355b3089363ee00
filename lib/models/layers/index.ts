/**
 * Keras layers and activations that TF.js 4.22 lacks, as registered TF.js classes so that
 * models using them build, predict, train and serialize like built-in ones.
 *
 * Checked against tfjs 4.22: it has Rescaling, ReLU (max_value only), LeakyReLU, gelu (erf
 * form, like Keras' default), swish and mish, but not SpatialDropout2D, the "leaky_relu"
 * activation string, ReLU's negative_slope/threshold, or Keras' random augmentation layers.
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology";
import type { Kwargs } from "@tensorflow/tfjs-layers/dist/types";

type Shape = (number | null)[];

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/**
 * Keras' "leaky_relu" activation function (keras.activations.leaky_relu): slope 0.2, unlike
 * the LeakyReLU *layer* whose default is 0.3. Used via `activation: "leaky_relu"`.
 */
export class LeakyReluActivation extends tf.serialization.Serializable {
  static className = "leaky_relu";
  apply(x: tf.Tensor): tf.Tensor {
    return tf.leakyRelu(x, 0.2);
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/**
 * SpatialDropout2D: drops whole feature maps (channels) during training; identity at inference.
 */
export class SpatialDropout2D extends tf.layers.Layer {
  static className = "SpatialDropout2D";
  readonly rate: number;

  constructor(args: LayerArgs & { rate: number }) {
    super(args);
    this.rate = args.rate;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs);
    if (!kwargs?.training || this.rate <= 0) return x;
    const [batch, , , channels] = x.shape as number[];
    return tf.tidy(() => tf.dropout(x, this.rate, [batch, 1, 1, channels]));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/**
 * Keras ReLU with the options TF.js' ReLU lacks:
 * f(x) = max_value-capped x for x >= threshold, negative_slope * (x - threshold) otherwise.
 */
export class KerasReLU extends tf.layers.Layer {
  static className = "KerasReLU";
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: LayerArgs & { maxValue?: number | null; negativeSlope?: number; threshold?: number }) {
    super(args);
    this.maxValue = args.maxValue ?? null;
    this.negativeSlope = args.negativeSlope ?? 0;
    this.threshold = args.threshold ?? 0;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const above = x.greaterEqual(this.threshold);
      let positive = x;
      if (this.maxValue !== null) positive = tf.minimum(positive, this.maxValue);
      const negative = x.sub(this.threshold).mul(this.negativeSlope);
      return tf.where(above, positive, negative);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold };
  }
}

/**
 * Keras random augmentation layers (RandomFlip, RandomRotation, ...) are the identity at
 * inference, which is all scoring needs. They do not augment during training here: the
 * definition track configures augmentation through its training settings instead.
 */
export class InactiveAtInference extends tf.layers.Layer {
  static className = "InactiveAtInference";
  readonly kerasClassName: string;
  readonly kerasConfig: tf.serialization.ConfigDict;

  constructor(args: LayerArgs & { kerasClassName: string; kerasConfig?: tf.serialization.ConfigDict }) {
    super(args);
    this.kerasClassName = args.kerasClassName;
    this.kerasConfig = args.kerasConfig ?? {};
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return single(inputs);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), keras_class_name: this.kerasClassName, keras_config: this.kerasConfig };
  }
}

let registered = false;

/** Registers the classes above with TF.js (idempotent). Call before building or loading models. */
export function registerHoldoutLayers(): void {
  if (registered) return;
  registered = true;
  tf.serialization.registerClass(LeakyReluActivation);
  tf.serialization.registerClass(SpatialDropout2D);
  tf.serialization.registerClass(KerasReLU);
  tf.serialization.registerClass(InactiveAtInference);
}

export type { Shape };
