/**
 * Limits applied to every submission before anything is allocated or queued. The platform
 * passes its own values (per competition); these defaults suit the course datasets on a CPU
 * worker: the largest course model (a CIFAR-10 CNN, 1.35 M params, ~100 MFLOPs) is far below.
 */
export interface SubmissionLimits {
  /** Files in one submission (a TF.js model is model.json plus its shards). */
  maxFiles: number;
  /** Bytes of any single uploaded file. */
  maxFileBytes: number;
  /** Bytes of all uploaded files together. */
  maxTotalBytes: number;
  /** Parameters (weights) of the model, trainable and not. Also caps any single weight. */
  maxParams: number;
  /** Estimated floating-point operations for one example (multiply-adds count as 2). */
  maxFlopsPerExample: number;
  /** Entries in a zip archive (.keras or a zipped TF.js folder). */
  maxZipEntries: number;
  /** Bytes of all zip entries once decompressed. */
  maxZipUncompressedBytes: number;
  /** Decompressed/compressed size ratio allowed for a zip entry larger than 1 MiB. */
  maxZipCompressionRatio: number;
  /** Nesting depth of JSON documents (model.json, config.json, model_config). */
  maxJsonDepth: number;
  /** Layers in a model, nested models included. */
  maxLayers: number;
}

export const DEFAULT_LIMITS: SubmissionLimits = {
  maxFiles: 64,
  maxFileBytes: 256 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxParams: 50_000_000,
  maxFlopsPerExample: 2_000_000_000,
  maxZipEntries: 256,
  maxZipUncompressedBytes: 512 * 1024 * 1024,
  maxZipCompressionRatio: 100,
  maxJsonDepth: 100,
  maxLayers: 1000,
};

export function resolveLimits(overrides: Partial<SubmissionLimits> = {}): SubmissionLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
