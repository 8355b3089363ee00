/**
 * A reference model as Keras 3 writes it with `model.to_json()`: the file a definition submission
 * uploads, and the starter file students download. Built from the one definition in ./models.ts.
 */
import { layersFor, type LayerDef, type ReferenceModelDef } from "./models";

type Json = Record<string, unknown>;

const initializer = (className: string): Json => ({ module: "keras.initializers", class_name: className, config: className === "GlorotUniform" ? { seed: null } : {}, registered_name: null });

function layerConfig(layer: LayerDef, name: string): { className: string; config: Json } {
  const base = { name, trainable: true, dtype: "float32" };
  switch (layer.kind) {
    case "flatten":
      return { className: "Flatten", config: { ...base, data_format: "channels_last" } };
    case "dense":
      return {
        className: "Dense",
        config: { ...base, units: layer.units, activation: layer.activation, use_bias: true, kernel_initializer: initializer("GlorotUniform"), bias_initializer: initializer("Zeros"), kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null },
      };
    case "dropout":
      return { className: "Dropout", config: { ...base, rate: layer.rate, seed: null, noise_shape: null } };
    case "conv2d":
      return {
        className: "Conv2D",
        config: {
          ...base,
          filters: layer.filters,
          kernel_size: [layer.kernelSize, layer.kernelSize],
          strides: [1, 1],
          padding: layer.padding,
          data_format: "channels_last",
          dilation_rate: [1, 1],
          groups: 1,
          activation: layer.activation,
          use_bias: true,
          kernel_initializer: initializer("GlorotUniform"),
          bias_initializer: initializer("Zeros"),
          kernel_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
      };
    case "maxPooling2d":
      return { className: "MaxPooling2D", config: { ...base, pool_size: [layer.poolSize, layer.poolSize], padding: "valid", strides: [layer.poolSize, layer.poolSize], data_format: "channels_last" } };
    case "batchNormalization":
      return {
        className: "BatchNormalization",
        config: {
          ...base,
          axis: -1,
          momentum: 0.99,
          epsilon: 0.001,
          center: true,
          scale: true,
          beta_initializer: initializer("Zeros"),
          gamma_initializer: initializer("Ones"),
          moving_mean_initializer: initializer("Zeros"),
          moving_variance_initializer: initializer("Ones"),
          beta_regularizer: null,
          gamma_regularizer: null,
          beta_constraint: null,
          gamma_constraint: null,
        },
      };
  }
}

const SNAKE: Record<LayerDef["kind"], string> = { flatten: "flatten", dense: "dense", dropout: "dropout", conv2d: "conv2d", maxPooling2d: "max_pooling2d", batchNormalization: "batch_normalization" };

/** Keras 3 `model.to_json()` of the reference model for this input shape and class count. */
export function kerasModelConfig(model: ReferenceModelDef, inputShape: [number, number, number], numClasses: number): Json {
  const counts = new Map<string, number>();
  const layers: Json[] = [
    { module: "keras.layers", class_name: "InputLayer", config: { batch_shape: [null, ...inputShape], dtype: "float32", sparse: false, name: "input_layer" }, registered_name: null },
  ];
  for (const layer of layersFor(model, numClasses)) {
    const stem = SNAKE[layer.kind];
    const n = counts.get(stem) ?? 0;
    counts.set(stem, n + 1);
    const { className, config } = layerConfig(layer, n === 0 ? stem : `${stem}_${n}`);
    layers.push({ module: "keras.layers", class_name: className, config, registered_name: null });
  }
  return {
    module: "keras",
    class_name: "Sequential",
    config: { name: model.name.replace(/-/g, "_"), trainable: true, dtype: "float32", layers },
    registered_name: null,
    build_config: { input_shape: [null, ...inputShape] },
  };
}

/** The same as JSON text (what `model.to_json()` returns), as bytes for an upload. */
export function kerasModelJson(model: ReferenceModelDef, inputShape: [number, number, number], numClasses: number): string {
  return JSON.stringify(kerasModelConfig(model, inputShape, numClasses));
}
