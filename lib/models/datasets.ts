/**
 * What a model must accept and produce for a competition: the dataset's image shape and number
 * of classes. Taken from the datasets registry so that both stay in one place.
 */
import { DATASETS, isDatasetName } from "@/lib/datasets/registry";

export interface DatasetShape {
  name: string;
  /** Height, width, channels. */
  shape: [number, number, number];
  numClasses: number;
}

export function resolveDatasetShape(dataset: string | DatasetShape): DatasetShape {
  if (typeof dataset !== "string") return dataset;
  // A wrong name is a caller's mistake (CLI flag, competition setup), not the student's.
  if (!isDatasetName(dataset)) throw new Error(`Unknown dataset "${dataset}". Known datasets: ${Object.keys(DATASETS).join(", ")}.`);
  const spec = DATASETS[dataset];
  return { name: spec.name, shape: [...spec.shape] as [number, number, number], numClasses: spec.numClasses };
}

export const describeImageShape = (d: DatasetShape) => `${d.shape[0]}x${d.shape[1]}x${d.shape[2]}`;
