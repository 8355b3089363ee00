/**
 * Data-parallel training on one machine: wasm runs one thread per instance in Node, so a batch
 * is split across replicas of the model, the main thread plus N-1 worker threads, each with
 * its own wasm instance. Every replica computes the gradients of its shard; the coordinator
 * averages them (weighted by shard size, which gives exactly the full batch's mean-loss
 * gradient) and every replica applies the same average with an identical optimizer, so the
 * weights stay identical without ever being sent again.
 *
 * Differences from one process: BatchNormalization normalises each shard with that shard's
 * statistics (as multi-GPU Keras does without sync BN), and each replica keeps its own moving
 * statistics, averaged into the main model before every validation pass. Dropout draws differ.
 */
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { saveModelToMemory } from "@/lib/engine/save-to-memory";
import { applyGradients, computeGradients, createOptimizer } from "@/lib/training/gradients";
import type { LossFunction } from "@/lib/training/loss";
import type { FromWorker, ToWorker } from "./protocol";

interface GradientWorker {
  thread: Worker;
  /** Resolves the reply to the one request in flight. */
  pending: { resolve: (message: FromWorker) => void; reject: (error: Error) => void } | null;
  /** Averaged gradients this worker has not applied yet, oldest first. */
  unapplied: Float32Array[][];
  failure: Error | null;
}

export class DataParallelGroup {
  private constructor(
    private readonly model: tf.LayersModel,
    private readonly variables: tf.Variable[],
    private readonly lossFn: LossFunction,
    private readonly optimizer: tf.Optimizer,
    private readonly workers: GradientWorker[],
  ) {}

  /** Number of replicas, the main thread included. */
  get replicas(): number {
    return this.workers.length + 1;
  }

  /**
   * Starts `replicas - 1` worker threads, each loading a copy of the model. Throws when a worker
   * cannot load it (e.g. a custom layer), after stopping the others.
   */
  static async start(model: tf.LayersModel, lossFn: LossFunction, settings: { optimizer: "adam" | "sgd" | "rmsprop"; learningRate: number }, replicas: number): Promise<DataParallelGroup> {
    const artifacts = await saveModelToMemory(model);
    const weightData = tf.io.concatenateArrayBuffers(Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData!]);
    const workers: GradientWorker[] = [];
    const group = new DataParallelGroup(model, model.trainableWeights.map((w) => w.read() as tf.Variable), lossFn, createOptimizer(settings), workers);
    try {
      for (let i = 1; i < replicas; i++) workers.push(spawnWorker());
      await Promise.all(
        workers.map((worker) =>
          request(worker, {
            type: "init",
            modelTopology: artifacts.modelTopology as object,
            weightSpecs: artifacts.weightSpecs as Array<{ name: string; shape: number[]; dtype: string }>,
            weightData: weightData.slice(0),
            optimizer: settings.optimizer,
            learningRate: settings.learningRate,
          }),
        ),
      );
    } catch (error) {
      await group.close();
      throw error;
    }
    return group;
  }

  /**
   * One optimizer step on the batch (x, y), split across the replicas. Returns the batch's mean
   * loss and its number of correct predictions. x and y stay owned by the caller.
   */
  async step(x: tf.Tensor, y: tf.Tensor2D): Promise<{ loss: number; correct: number }> {
    const count = x.shape[0];
    const shards = shardSizes(count, this.replicas);
    const xValues = x.dataSync() as Float32Array;
    const yValues = y.dataSync() as Float32Array;
    const xRow = xValues.length / count;
    const yRow = yValues.length / count;

    // Hand the workers their shards first so they compute while this thread does its own. This
    // thread takes the last (smallest) shard: it also averages and applies the gradients.
    const replies: Array<Promise<FromWorker>> = [];
    let offset = 0;
    this.workers.forEach((worker, i) => {
      const size = shards[i];
      if (size === 0) return;
      const xs = xValues.slice(offset * xRow, (offset + size) * xRow);
      const ys = yValues.slice(offset * yRow, (offset + size) * yRow);
      const apply = worker.unapplied;
      worker.unapplied = [];
      replies.push(request(worker, { type: "step", apply, x: xs, xShape: [size, ...x.shape.slice(1)], y: ys, yShape: [size, y.shape[1]] }, [xs.buffer as ArrayBuffer, ys.buffer as ArrayBuffer]));
      offset += size;
    });

    const results: Array<{ loss: number; correct: number; size: number; grads: Float32Array[] }> = [];
    const ownSize = shards[shards.length - 1];
    try {
      if (ownSize > 0) {
        const own = tf.tidy(() => ({
          x: tf.tensor(xValues.subarray(offset * xRow), [ownSize, ...x.shape.slice(1)]),
          y: tf.tensor2d(yValues.subarray(offset * yRow), [ownSize, y.shape[1]]),
        }));
        const mine = computeGradients(this.model, this.variables, this.lossFn, own.x, own.y);
        tf.dispose([own.x, own.y]);
        results.push({ loss: mine.loss, correct: mine.correct, size: ownSize, grads: mine.grads.map((g) => g.dataSync() as Float32Array) });
        tf.dispose(mine.grads);
      }
    } catch (error) {
      await Promise.allSettled(replies);
      throw error;
    }
    const theirs = await Promise.all(replies);
    theirs.forEach((reply, i) => {
      if (reply.type !== "grads") throw new Error(`gradient worker answered ${reply.type}`);
      results.push({ loss: reply.loss, correct: reply.correct, size: shards[i], grads: reply.grads });
    });

    // Mean-loss gradient of the whole batch = shard gradients weighted by shard size.
    const average = this.variables.map((_, v) => {
      const sum = new Float32Array(results[0].grads[v].length);
      for (const r of results) {
        const weight = r.size / count;
        const g = r.grads[v];
        for (let k = 0; k < sum.length; k++) sum[k] += weight * g[k];
      }
      return sum;
    });
    const tensors = average.map((values, v) => tf.tensor(values, this.variables[v].shape));
    applyGradients(this.optimizer, this.variables, tensors);
    tf.dispose(tensors);
    for (const worker of this.workers) worker.unapplied.push(average);

    return {
      loss: results.reduce((s, r) => s + (r.loss * r.size) / count, 0),
      correct: results.reduce((s, r) => s + r.correct, 0),
    };
  }

  /** Averages BatchNormalization's moving statistics of all replicas into the main model. */
  async averageNonTrainableWeights(): Promise<void> {
    const weights = this.model.nonTrainableWeights;
    if (weights.length === 0 || this.workers.length === 0) return;
    const replies = await Promise.all(this.workers.map((worker) => request(worker, { type: "stats" })));
    weights.forEach((weight, w) => {
      const sum = Float32Array.from(weight.read().dataSync());
      for (const reply of replies) {
        if (reply.type !== "stats") throw new Error(`gradient worker answered ${reply.type}`);
        const values = reply.values[w];
        for (let k = 0; k < sum.length; k++) sum[k] += values[k];
      }
      for (let k = 0; k < sum.length; k++) sum[k] /= this.replicas;
      const averaged = tf.tensor(sum, weight.shape as number[]);
      weight.write(averaged);
      averaged.dispose();
    });
  }

  async close(): Promise<void> {
    this.optimizer.dispose();
    await Promise.all(this.workers.map((worker) => worker.thread.terminate()));
    this.workers.length = 0;
  }
}

/** Splits `count` examples into `replicas` shards, the first ones one larger when uneven (the last is the smallest). */
export function shardSizes(count: number, replicas: number): number[] {
  const base = Math.floor(count / replicas);
  return Array.from({ length: replicas }, (_, i) => base + (i < count % replicas ? 1 : 0));
}

function spawnWorker(): GradientWorker {
  // Compiled into dist/ beside the sandbox child (lib/sandbox/child-bundle.ts), else through tsx.
  const entry = import.meta.url.endsWith(".ts") ? new URL("./gradient-worker-bootstrap.mjs", import.meta.url) : new URL("./gradient-worker.mjs", import.meta.url);
  const thread = new Worker(entry);
  const worker: GradientWorker = { thread, pending: null, unapplied: [], failure: null };
  const fail = (error: Error) => {
    worker.failure = error;
    worker.pending?.reject(error);
    worker.pending = null;
  };
  thread.on("message", (message: FromWorker) => {
    const pending = worker.pending;
    worker.pending = null;
    if (message.type === "error") pending?.reject(new Error(`gradient worker: ${message.message}`));
    else pending?.resolve(message);
  });
  thread.on("error", (error) => fail(error));
  thread.on("exit", (code) => fail(new Error(`gradient worker exited with code ${code}`)));
  return worker;
}

function request(worker: GradientWorker, message: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
  if (worker.failure) return Promise.reject(worker.failure);
  return new Promise((resolve, reject) => {
    worker.pending = { resolve, reject };
    worker.thread.postMessage(message, transfer);
  });
}

