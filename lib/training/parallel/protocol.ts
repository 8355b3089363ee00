/** Messages between the training coordinator and its gradient workers (worker_threads). */

export interface InitMessage {
  type: "init";
  /** The model as saved by model.save(): topology JSON, weight specs and one weight buffer. */
  modelTopology: object;
  weightSpecs: Array<{ name: string; shape: number[]; dtype: string }>;
  weightData: ArrayBuffer;
  optimizer: "adam" | "sgd" | "rmsprop";
  learningRate: number;
}

export interface StepMessage {
  type: "step";
  /**
   * Averaged gradients of the steps taken since this worker's last message, in order, applied
   * before this step's pass: each is one array per trainable variable.
   */
  apply: Float32Array[][];
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  yShape: [number, number];
}

export interface StatsMessage {
  type: "stats";
}

export type ToWorker = InitMessage | StepMessage | StatsMessage;

export type FromWorker =
  | { type: "ready" }
  | { type: "grads"; loss: number; correct: number; grads: Float32Array[] }
  | { type: "stats"; values: Float32Array[] }
  | { type: "error"; message: string };
