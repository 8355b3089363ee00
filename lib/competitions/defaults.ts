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

// TrainingBudget, ResourceLimits and the functions that read a competition's stored values over
// these defaults live with their schemas in ./schema.ts.
