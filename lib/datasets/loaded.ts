import type { DatasetName, Split } from "./registry";

/** A dataset split in memory, as loadDataset returns it (its own file: custom.ts extends it). */
export interface LoadedDataset {
  name: DatasetName;
  split: Split;
  /** All images, NHWC, one byte per channel: count * h * w * c bytes. Shared: do not modify. */
  images: Uint8Array;
  /** One label per image, 0..numClasses-1. Shared: do not modify. */
  labels: Uint8Array;
  count: number;
  shape: [number, number, number];
  numClasses: number;
  classNames: string[];
  /** Where the verified files came from, e.g. "shared /work/shared/datasets/mnist". */
  source: string;
}
