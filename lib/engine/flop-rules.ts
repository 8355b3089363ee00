/**
 * Training costs about three forward passes: the forward pass, the input gradients and the weight
 * gradients. One constant for the queue's training-time estimate (lib/queue/estimates.ts), the
 * trainer's data-parallel decision (lib/training/train-model.ts) and the bench's training rates.
 * Kept free of TF.js so the web process can read it without loading an engine.
 */
export const TRAINING_FLOPS_PER_FORWARD_FLOP = 3;
