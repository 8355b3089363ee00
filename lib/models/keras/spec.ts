/**
 * The parsed form of a Keras model config (what lib/models/keras/config.ts produces), on its
 * own so that the layer table and the model builder can name it without importing the parser.
 */
export type Shape = (number | null)[];

export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

export interface LayerSpec {
  /** Keras class name, aliases resolved (e.g. "Convolution2D" -> "Conv2D"). */
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** Functional models: the input tensors of each call of this layer (usually one call). */
  calls: TensorRef[][];
  /** Set when this layer is itself a Sequential or functional model. */
  model?: ModelSpec;
}

export interface ModelSpec {
  kind: "sequential" | "functional";
  name: string;
  /** In config order, InputLayers included. */
  layers: LayerSpec[];
  /** Functional only. */
  inputs: TensorRef[];
  outputs: TensorRef[];
  /** Input shape without the batch dimension, as declared (null entries = any size), or null when none is declared. */
  declaredInputShape: Shape | null;
}
