/** The scorer's inputs and progress events (its outputs are the zod schemas of ./schemas.ts). */
import type { LoadedDataset } from "@/lib/datasets/loaded";
import type { EngineRates } from "@/lib/models/cost";
import type { EvaluationProgress } from "./schemas";

export type { TrainingBudget } from "@/lib/competitions/schema";

/** What the scorer reports while it runs: the schema is in ./schemas.ts (the child's messages carry it). */
export type { EvaluationProgress };

/** A labelled test set: NHWC bytes, one label per image (a built-in split or an instructor's set). */
export type TestData = Pick<LoadedDataset, "images" | "labels" | "count" | "shape" | "numClasses" | "classNames">;

/** A submitted file; role "history" is a Keras training history (the upload check decided). */
export interface EvaluationFile {
  name: string;
  data: Uint8Array;
  role?: string;
}

/** The scoring job's limits: refused before predicting when the model cannot finish in them. */
export interface ScoringLimits {
  maxParams: number;
  maxFlops: number;
  timeoutSeconds: number;
  memoryMb: number;
  rates: EngineRates;
}
