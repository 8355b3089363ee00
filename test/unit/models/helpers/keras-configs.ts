/**
 * Keras model configs as Keras 2 and Keras 3 write them (checked against real files: the
 * fixtures in ../shared/fixtures/models and Keras' serialization code), so tests can describe
 * models compactly: `k3.sequential([28, 28, 1], [k3.layer("Conv2D", {...}), ...])`.
 */

type Config = Record<string, unknown>;
export interface LayerEntry {
  className: string;
  config: Config;
}

const dtypePolicy = { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null };
const glorot = { module: "keras.initializers", class_name: "GlorotUniform", config: { seed: null }, registered_name: null };
const zeros = { module: "keras.initializers", class_name: "Zeros", config: {}, registered_name: null };

/** Keras' defaults per class, so tests only give what matters. */
const DEFAULTS: Record<string, Config> = {
  Dense: { activation: "linear", use_bias: true, kernel_initializer: glorot, bias_initializer: zeros, kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null },
  Conv2D: {
    strides: [1, 1],
    padding: "valid",
    data_format: "channels_last",
    dilation_rate: [1, 1],
    groups: 1,
    activation: "linear",
    use_bias: true,
    kernel_initializer: glorot,
    bias_initializer: zeros,
  },
  SeparableConv2D: { strides: [1, 1], padding: "valid", data_format: "channels_last", dilation_rate: [1, 1], depth_multiplier: 1, activation: "linear", use_bias: true },
  DepthwiseConv2D: { strides: [1, 1], padding: "valid", data_format: "channels_last", dilation_rate: [1, 1], depth_multiplier: 1, activation: "linear", use_bias: true },
  MaxPooling2D: { pool_size: [2, 2], padding: "valid", strides: [2, 2], data_format: "channels_last" },
  AveragePooling2D: { pool_size: [2, 2], padding: "valid", strides: [2, 2], data_format: "channels_last" },
  BatchNormalization: { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true },
  Flatten: { data_format: "channels_last" },
  Dropout: { rate: 0.5, seed: null, noise_shape: null },
};

let counter = 0;
const autoName = (className: string) => `${className.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase()}_${++counter}`;

function entry(className: string, config: Config = {}): LayerEntry {
  return { className, config: { name: autoName(className), ...(DEFAULTS[className] ?? {}), ...config } };
}

function keras3Layer(l: LayerEntry, inbound?: unknown): Config {
  return {
    module: "keras.layers",
    class_name: l.className,
    config: { trainable: true, dtype: dtypePolicy, ...l.config },
    registered_name: null,
    ...(inbound !== undefined ? { name: l.config.name, inbound_nodes: inbound } : {}),
  };
}

function keras2Layer(l: LayerEntry, inbound?: unknown): Config {
  return { class_name: l.className, config: { trainable: true, dtype: "float32", ...l.config }, ...(inbound !== undefined ? { name: l.config.name, inbound_nodes: inbound } : {}) };
}

/** A functional graph: each node names its layer and the names of its inputs. */
export interface GraphNode {
  layer: LayerEntry;
  inputs: string[];
}

export const k3 = {
  layer: entry,
  /** Keras 3 Sequential with an InputLayer (batch_shape), as model.get_config() writes it. */
  sequential(inputShape: number[] | null, layers: LayerEntry[], name = "sequential"): Config {
    const inputLayer = inputShape
      ? [{ module: "keras.layers", class_name: "InputLayer", config: { batch_shape: [null, ...inputShape], dtype: "float32", sparse: false, name: "input_layer" }, registered_name: null }]
      : [];
    return {
      module: "keras",
      class_name: "Sequential",
      config: { name, trainable: true, dtype: dtypePolicy, layers: [...inputLayer, ...layers.map((l) => keras3Layer(l))] },
      registered_name: null,
    };
  },
  /** Keras 3 functional model: inbound nodes as {args: [keras tensors], kwargs: {}}. */
  functional(inputShape: number[], nodes: GraphNode[], output: string, name = "functional"): Config {
    // Keras 3: a nested *functional* model's own graph is its node 0, left out of the config,
    // so its first call is node 1; a nested Sequential is not functional and starts at 0.
    const functionalModels = new Set(nodes.filter((n) => isModel(n.layer) && (n.layer.config.model as Config).class_name === "Functional").map((n) => String(n.layer.config.name)));
    const history = (layer: string) => [layer === "input" ? "input_layer" : layer, functionalModels.has(layer) ? 1 : 0, 0];
    const tensor = (layer: string) => ({ class_name: "__keras_tensor__", config: { shape: null, dtype: "float32", keras_history: history(layer) } });
    return {
      module: "keras.src.models.functional",
      class_name: "Functional",
      config: {
        name,
        trainable: true,
        layers: [
          { module: "keras.layers", class_name: "InputLayer", config: { batch_shape: [null, ...inputShape], dtype: "float32", sparse: false, name: "input_layer" }, registered_name: null, name: "input_layer", inbound_nodes: [] },
          ...nodes.map((n) => {
            const inbound = [{ args: n.inputs.length === 1 ? [tensor(n.inputs[0])] : [n.inputs.map(tensor)], kwargs: {} }];
            return isModel(n.layer) ? { ...(n.layer.config.model as Config), name: n.layer.config.name, inbound_nodes: inbound } : keras3Layer(n.layer, inbound);
          }),
        ],
        input_layers: [["input_layer", 0, 0]],
        output_layers: [history(output)],
      },
      registered_name: "Functional",
    };
  },
};

export const k2 = {
  layer: entry,
  /** Keras 2 Sequential: the first layer carries batch_input_shape (omitted when inputShape is null). */
  sequential(inputShape: number[] | null, layers: LayerEntry[], name = "sequential"): Config {
    return {
      class_name: "Sequential",
      config: {
        name,
        layers: layers.map((l, i) => keras2Layer(i === 0 && inputShape ? { ...l, config: { batch_input_shape: [null, ...inputShape], ...l.config } } : l)),
      },
      keras_version: "2.15.0",
      backend: "tensorflow",
    };
  },
  /** Keras 2 functional ("Model"/"Functional"): inbound nodes as [[[name, 0, 0, {}], ...]]. */
  functional(inputShape: number[], nodes: GraphNode[], output: string, name = "model"): Config {
    // A nested model's own graph is its node 0, left out of the config: its first call is node 1.
    const models = new Set(nodes.filter((n) => isModel(n.layer)).map((n) => String(n.layer.config.name)));
    const ref = (layer: string) => [layer === "input" ? "input_1" : layer, models.has(layer) ? 1 : 0, 0, {}];
    return {
      class_name: "Functional",
      config: {
        name,
        layers: [
          { class_name: "InputLayer", config: { batch_input_shape: [null, ...inputShape], dtype: "float32", sparse: false, ragged: false, name: "input_1" }, name: "input_1", inbound_nodes: [] },
          ...nodes.map((n) => {
            const inbound = [n.inputs.map(ref)];
            return isModel(n.layer) ? { ...(n.layer.config.model as Config), name: n.layer.config.name, inbound_nodes: inbound } : keras2Layer(n.layer, inbound);
          }),
        ],
        input_layers: [["input_1", 0, 0]],
        output_layers: [ref(output).slice(0, 3)],
      },
      keras_version: "2.15.0",
      backend: "tensorflow",
    };
  },
};

/** A nested model used as a layer: `{ className: "Model", config: { name, model } }`. */
export function nested(name: string, model: Config): LayerEntry {
  (model.config as Config).name = name;
  return { className: "Model", config: { name, model } };
}

function isModel(l: LayerEntry): boolean {
  return l.className === "Model";
}
