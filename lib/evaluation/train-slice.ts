/**
 * The "trained on the test set?" check's data: a fixed slice of the official training set that
 * every model of a competition on an official test set is also scored on (Score.trainSliceScore).
 * A model trained the honest way saw these examples (or ones like them) and does at least as well
 * on them as on the test set; one trained on the test set does clearly worse here.
 *
 * The slice: TRAIN_SLICE_SIZE examples spread evenly over the training set (example
 * floor(i * count / TRAIN_SLICE_SIZE) for i = 0..1999: every 30th of MNIST's 60,000, every 25th of
 * CIFAR-10's 50,000), the same for every model and every competition. No seed is needed; evenly
 * spread examples of these shuffled sets are close to class-balanced. Part of it lies in a definition's own
 * validation split and part in its training rows: either way data the model "should have seen".
 */
import type { TestData } from "./types";

export const TRAIN_SLICE_SIZE = 2000;

/** Indices of the slice in a training set of `count` examples. */
export function trainSliceIndices(count: number, size = TRAIN_SLICE_SIZE): Uint32Array {
  const n = Math.min(size, count);
  return Uint32Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

/** The slice of a training set, as a labelled set the scorer can predict on. */
export function trainSlice(train: TestData, size = TRAIN_SLICE_SIZE): TestData {
  const indices = trainSliceIndices(train.count, size);
  const perImage = train.shape[0] * train.shape[1] * train.shape[2];
  const images = new Uint8Array(indices.length * perImage);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, i) => {
    images.set(train.images.subarray(index * perImage, (index + 1) * perImage), i * perImage);
    labels[i] = train.labels[index];
  });
  return { images, labels, count: indices.length, shape: train.shape, numClasses: train.numClasses, classNames: train.classNames };
}
