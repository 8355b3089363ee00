/**
 * A short Keras 3 script for a baseline: builds the reference model (from the same definition as the
 * Keras JSON), compiles and trains it with the baseline's settings, and saves `model.keras` and
 * `history.json`, both of which Holdout accepts as an upload (pixels scaled by 1/255, Holdout's
 * default preprocessing).
 */
import type { AugmentationSettings, TrainingSettings } from "@/lib/models/training-settings";
import type { BaselineDef } from "./catalog";
import { layersFor, type LayerDef } from "./models";

const KERAS_DATASETS: Record<string, string> = { mnist: "mnist", "fashion-mnist": "fashion_mnist", cifar10: "cifar10" };

const py = (value: number | boolean | string): string => (typeof value === "boolean" ? (value ? "True" : "False") : typeof value === "string" ? JSON.stringify(value) : String(value));

function layerLine(layer: LayerDef): string {
  switch (layer.kind) {
    case "flatten":
      return "layers.Flatten()";
    case "dense":
      return `layers.Dense(${layer.units}, activation=${py(layer.activation)})`;
    case "dropout":
      return `layers.Dropout(${layer.rate})`;
    case "conv2d":
      return `layers.Conv2D(${layer.filters}, ${layer.kernelSize}, padding=${py(layer.padding)}, activation=${py(layer.activation)})`;
    case "maxPooling2d":
      return `layers.MaxPooling2D(${layer.poolSize})`;
    case "batchNormalization":
      return "layers.BatchNormalization()";
  }
}

/** Keras preprocessing layers doing what Holdout's augmentation settings do (training only), in Holdout's order. */
export function augmentationLines(augmentation: AugmentationSettings, shape: [number, number, number]): string[] {
  const lines: string[] = [];
  if (augmentation.cropPadding > 0) lines.push(`layers.ZeroPadding2D(${augmentation.cropPadding})`, `layers.RandomCrop(${shape[0]}, ${shape[1]})`);
  if (augmentation.horizontalFlip) lines.push('layers.RandomFlip("horizontal")');
  if (augmentation.rotationDegrees > 0) lines.push(`layers.RandomRotation(${+(augmentation.rotationDegrees / 360).toFixed(6)})`);
  if (augmentation.widthShift > 0 || augmentation.heightShift > 0) lines.push(`layers.RandomTranslation(${augmentation.heightShift}, ${augmentation.widthShift})`);
  if (augmentation.zoom > 0) lines.push(`layers.RandomZoom(${augmentation.zoom})`);
  return lines;
}

export interface ScriptContext {
  competitionSlug: string;
  datasetId: string;
  shape: [number, number, number];
  numClasses: number;
  settings: TrainingSettings;
}

export function kerasScript(def: BaselineDef, context: ScriptContext): string {
  const { settings, shape } = context;
  const dataset = KERAS_DATASETS[context.datasetId] ?? "mnist";
  const optimizer = { adam: "Adam", sgd: "SGD", rmsprop: "RMSprop" }[settings.optimizer];
  const augment = augmentationLines(settings.augmentation, shape);
  const shapeText = `(${shape.join(", ")})`;
  const lines = [
    `"""Holdout starter: the "${def.label}" baseline of competition ${context.competitionSlug}.`,
    "",
    `${def.description}.`,
    "Trains the model as Holdout trains the baseline, then saves model.keras and history.json:",
    `upload both on the competition's Submit page (preprocessing "1/255", the default).`,
    'Needs Keras 3 and TensorFlow: pip install "keras>=3" tensorflow',
    '"""',
    "import json",
    "",
    "import keras",
    "from keras import layers",
    ...(augment.length ? ["import tensorflow as tf"] : []),
    "",
    `(x_train, y_train), _ = keras.datasets.${dataset}.load_data()`,
    `x_train = x_train.reshape((-1, ${shape.join(", ")})).astype("float32") / 255.0  # Holdout's default preprocessing: 1/255`,
    "y_train = y_train.reshape(-1)",
    "",
    "model = keras.Sequential([",
    `    keras.Input(shape=${shapeText}),`,
    ...layersFor(def.model, context.numClasses).map((layer) => `    ${layerLine(layer)},`),
    "])",
    `model.compile(optimizer=keras.optimizers.${optimizer}(learning_rate=${settings.learningRate}), loss="sparse_categorical_crossentropy", metrics=["accuracy"])`,
    "model.summary()",
    "",
  ];
  const callbacks = settings.earlyStoppingPatience ? `callbacks=[keras.callbacks.EarlyStopping(patience=${settings.earlyStoppingPatience}, restore_best_weights=True)], ` : "";
  if (augment.length === 0) {
    lines.push(`history = model.fit(x_train, y_train, batch_size=${settings.batchSize}, epochs=${settings.epochs}, validation_split=${settings.validationSplit}, ${callbacks}shuffle=True)`);
  } else {
    lines.push(
      "# Augmentation acts on the training batches only, never on the validation data.",
      "augment = keras.Sequential([",
      ...augment.map((line) => `    ${line},`),
      "])",
      `n_val = int(len(x_train) * ${settings.validationSplit})`,
      "x_val, y_val = x_train[len(x_train) - n_val:], y_train[len(y_train) - n_val:]",
      "x_fit, y_fit = x_train[:len(x_train) - n_val], y_train[:len(y_train) - n_val]",
      "train = (",
      "    tf.data.Dataset.from_tensor_slices((x_fit, y_fit))",
      "    .shuffle(10_000)",
      `    .batch(${settings.batchSize})`,
      "    .map(lambda x, y: (augment(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)",
      "    .prefetch(tf.data.AUTOTUNE)",
      ")",
      `history = model.fit(train, epochs=${settings.epochs}, ${callbacks}validation_data=(x_val, y_val) if n_val else None)`,
    );
  }
  lines.push(
    "",
    'model.save("model.keras")',
    'with open("history.json", "w") as f:',
    "    json.dump({k: [float(v) for v in vs] for k, vs in history.history.items()}, f)",
    'print("saved model.keras and history.json")',
    "",
  );
  return lines.join("\n");
}
