/**
 * A gradient worker: a replica of the model in its own thread, with its own wasm instance (wasm
 * runs one thread per instance in Node). Per step it applies the previous step's averaged
 * gradients (so every replica's weights stay identical: same optimizer, same inputs, same
 * arithmetic), then computes the gradients of its shard of the batch.
 *
 * Imports are relative: this file runs outside the app's path aliases.
 */
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { initEngine } from "@/lib/engine/backend";
import { registerHoldoutLayers } from "@/lib/models/layers";
import { classificationLoss, type LossFunction } from "@/lib/training/loss";
import { applyGradients, computeGradients, createOptimizer } from "@/lib/training/gradients";
import type { FromWorker, InitMessage, StepMessage, ToWorker } from "./protocol";

interface Replica {
  model: tf.LayersModel;
  variables: tf.Variable[];
  lossFn: LossFunction;
  optimizer: tf.Optimizer;
}

let replica: Replica | null = null;
const port = parentPort;
if (!port) throw new Error("gradient-worker must run in a worker thread");

function reply(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function init(message: InitMessage): Promise<void> {
  await initEngine({ prefer: "wasm", log: () => {} });
  // The model may use Holdout's own layer classes (SpatialDropout2D, Keras' augmentation layers).
  registerHoldoutLayers();
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: message.modelTopology, weightSpecs: message.weightSpecs as tf.io.WeightsManifestEntry[], weightData: message.weightData }),
  );
  replica = {
    model,
    variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
    lossFn: classificationLoss(model),
    optimizer: createOptimizer(message),
  };
  reply({ type: "ready" });
}

function step(message: StepMessage): void {
  const r = replica!;
  for (const update of message.apply) {
    const grads = update.map((values, i) => tf.tensor(values, r.variables[i].shape));
    applyGradients(r.optimizer, r.variables, grads);
    tf.dispose(grads);
  }
  const x = tf.tensor(message.x, message.xShape);
  const y = tf.tensor2d(message.y, message.yShape);
  try {
    const result = computeGradients(r.model, r.variables, r.lossFn, x, y);
    const grads = result.grads.map((g) => g.dataSync() as Float32Array);
    tf.dispose(result.grads);
    reply({ type: "grads", loss: result.loss, correct: result.correct, grads }, grads.map((g) => g.buffer as ArrayBuffer));
  } finally {
    tf.dispose([x, y]);
  }
}

/** Non-trainable weights (BatchNormalization's moving statistics), in model.nonTrainableWeights order. */
function stats(): void {
  const values = replica!.model.nonTrainableWeights.map((w) => w.read().dataSync() as Float32Array);
  reply({ type: "stats", values }, values.map((v) => v.buffer as ArrayBuffer));
}

port.on("message", (message: ToWorker) => {
  const handle = async () => {
    if (message.type === "init") await init(message);
    else if (message.type === "step") step(message);
    else stats();
  };
  handle().catch((error: unknown) => reply({ type: "error", message: error instanceof Error ? error.message : String(error) }));
});
