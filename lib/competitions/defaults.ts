/** Defaults a new competition starts with; instructors change them on the competition form. */
export const DEFAULT_TRAINING_BUDGET = { maxEpochs: 20, maxSeconds: 1800, maxParams: 5_000_000 };
export const DEFAULT_RESOURCE_LIMITS = { maxUploadBytes: 200 * 1024 * 1024, maxParams: 50_000_000, maxFlops: 5_000_000_000, memoryMb: 4096, timeoutSeconds: 900 };
export const DEFAULT_LATE_POLICY = { kind: "none" } as const;

export const BUILT_IN_DATASETS = {
  mnist: { title: "MNIST digits", baseline: 0.97, target: 0.995 },
  "fashion-mnist": { title: "Fashion-MNIST", baseline: 0.85, target: 0.93 },
  cifar10: { title: "CIFAR-10", baseline: 0.6, target: 0.85 },
} as const;
export type BuiltInDatasetId = keyof typeof BUILT_IN_DATASETS;

export type TrainingBudget = typeof DEFAULT_TRAINING_BUDGET & {
  /** Train on an evenly spread subset of the training split (CPU-only servers). */
  maxTrainExamples?: number;
};
export type ResourceLimits = typeof DEFAULT_RESOURCE_LIMITS;

function jsonObject(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A competition's training budget: what it stores, over the defaults (stored {} = all defaults). */
export function trainingBudgetOf(competition: { trainingBudget: unknown }): TrainingBudget {
  return { ...DEFAULT_TRAINING_BUDGET, ...jsonObject(competition.trainingBudget) } as TrainingBudget;
}

/** A competition's resource limits: what it stores, over the defaults. */
export function resourceLimitsOf(competition: { resourceLimits: unknown }): ResourceLimits {
  return { ...DEFAULT_RESOURCE_LIMITS, ...jsonObject(competition.resourceLimits) } as ResourceLimits;
}
