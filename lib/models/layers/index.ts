/**
 * Keras layers and activations that TF.js 4.22 lacks, as registered TF.js classes so that
 * models using them build, predict, train and serialize like built-in ones.
 *
 * Checked against tfjs 4.22: it has Rescaling, ReLU (max_value only), LeakyReLU, gelu (erf
 * form, like Keras' default), swish and mish, but not SpatialDropout2D, the "leaky_relu"
 * activation string, ReLU's negative_slope/threshold, or Keras' random augmentation layers
 * (./augmentation.ts).
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology";
import type { Kwargs } from "@tensorflow/tfjs-layers/dist/types";
import { mulberry32 } from "@/lib/random";
import { describeKerasAugmentation, GEOMETRIC_AUGMENTATION_CLASSES, kerasAugmentation, layerSeed, randomCrop, smartResize } from "./augmentation";

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
 * Keras' random augmentation layers (RandomFlip, RandomTranslation, RandomRotation, RandomZoom;
 * also RandomContrast and RandomBrightness): the identity at inference, as in Keras. During
 * training the first four transform each image as Keras does (./augmentation.ts);
 * RandomContrast and RandomBrightness stay the identity (their warning says so). The class name
 * stays "InactiveAtInference": what it is when scoring (the ONNX exporter maps it to identity).
 */
export class InactiveAtInference extends tf.layers.Layer {
  static className = "InactiveAtInference";
  readonly kerasClassName: string;
  readonly kerasConfig: tf.serialization.ConfigDict;
  private readonly augment: ReturnType<typeof kerasAugmentation>;
  private readonly random: () => number;

  constructor(args: LayerArgs & { kerasClassName?: string; kerasConfig?: tf.serialization.ConfigDict; keras_class_name?: string; keras_config?: tf.serialization.ConfigDict }) {
    super(args);
    // getConfig writes snake_case keys, which come back here when a serialized model is loaded
    // (the data-parallel replicas load the model that way).
    // TF.js also camel-cases string values and keys on the way back (random_flip -> randomFlip,
    // height_factor -> heightFactor): both are read back into Keras' spelling.
    this.kerasClassName = kerasClassNameOf(args.kerasClassName ?? args.keras_class_name ?? "");
    this.kerasConfig = snakeCaseKeys(args.kerasConfig ?? args.keras_config ?? {});
    this.augment = kerasAugmentation(this.kerasClassName, this.kerasConfig as Record<string, unknown>);
    this.random = mulberry32(layerSeed(this.kerasConfig as Record<string, unknown>, this.name));
  }

  /** True when this layer transforms images during training. */
  get actsInTraining(): boolean {
    return this.augment !== null;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs);
    if (!kwargs?.training || !this.augment || x.rank !== 4) return x;
    return this.augment(x as tf.Tensor4D, this.random);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), keras_class_name: this.kerasClassName, keras_config: this.kerasConfig };
  }
}

const KERAS_RANDOM_CLASSES = ["RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "RandomContrast", "RandomBrightness"];

/** "RandomFlip" from any spelling TF.js' (de)serialization leaves ("random_flip", "randomFlip"). */
function kerasClassNameOf(name: string): string {
  const key = name.replaceAll("_", "").toLowerCase();
  return KERAS_RANDOM_CLASSES.find((c) => c.toLowerCase() === key) ?? name;
}

/** Keras config keys in snake_case again (heightFactor -> height_factor). */
function snakeCaseKeys(config: tf.serialization.ConfigDict): tf.serialization.ConfigDict {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value]));
}

/**
 * Keras RandomCrop(height, width): in training, a random height x width window of each image;
 * at inference (and in training when an image is smaller than the target), Keras' smart_resize:
 * the largest central window with the target's aspect ratio, resized bilinearly to the target,
 * which is the identity when the image already has the target size.
 */
export class KerasRandomCrop extends tf.layers.Layer {
  static className = "KerasRandomCrop";
  readonly height: number;
  readonly width: number;
  readonly seed: number | null;
  private readonly random: () => number;

  constructor(args: LayerArgs & { height: number; width: number; seed?: number | null }) {
    super(args);
    this.height = args.height;
    this.width = args.width;
    this.seed = args.seed ?? null;
    this.random = mulberry32(layerSeed({ seed: this.seed ?? undefined }, this.name));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length !== 4) throw new Error(`RandomCrop needs images [batch, height, width, channels], got rank ${shape.length - 1}`);
    return [shape[0], this.height, this.width, shape[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs) as tf.Tensor4D;
    return kwargs?.training ? randomCrop(x, this.height, this.width, this.random) : smartResize(x, this.height, this.width);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width, seed: this.seed };
  }
}

/**
 * The first random-geometry layer (RandomTranslation, RandomRotation, RandomZoom) that comes
 * after a layer with weights, or null. TF.js has no gradient for the projective transform they
 * use, so training can only run them where no gradient flows through: before any layer with
 * weights (at the input, where Keras' examples put them). Nested models are searched in order.
 */
export function geometricAugmentationAfterWeights(model: tf.LayersModel): { layer: string; className: string; after: string } | null {
  let firstWithWeights: string | null = null;
  const visit = (layers: tf.layers.Layer[]): { layer: string; className: string; after: string } | null => {
    for (const layer of layers) {
      const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
      if (Array.isArray(nested)) {
        const found = visit(nested);
        if (found) return found;
        continue;
      }
      if (layer instanceof InactiveAtInference && GEOMETRIC_AUGMENTATION_CLASSES.has(layer.kerasClassName) && firstWithWeights) {
        return { layer: layer.name, className: layer.kerasClassName, after: firstWithWeights };
      }
      if (!firstWithWeights && layer.trainableWeights.length > 0) firstWithWeights = layer.name;
    }
    return null;
  };
  return visit(model.layers);
}

/** The augmentation layers that act during training, in model order, in words (for the report). */
export function trainingAugmentationLayers(model: tf.LayersModel): string[] {
  const found: string[] = [];
  const visit = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
      if (Array.isArray(nested)) visit(nested);
      else if (layer instanceof InactiveAtInference && layer.actsInTraining) found.push(describeKerasAugmentation(layer.kerasClassName, layer.name, layer.kerasConfig as Record<string, unknown>));
      else if (layer instanceof KerasRandomCrop) found.push(describeKerasAugmentation("RandomCrop", layer.name, { height: layer.height, width: layer.width }));
    }
  };
  visit(model.layers);
  return found;
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
  tf.serialization.registerClass(KerasRandomCrop);
}

export type { Shape };
