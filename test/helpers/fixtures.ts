import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** ../shared beside the repository (CI lays a copy there), or HOLDOUT_SHARED_DIR. */
export function sharedDir(): string {
  return process.env.HOLDOUT_SHARED_DIR ?? path.resolve(import.meta.dirname, "../../../shared");
}

export const FIXTURE_MODELS = {
  keras2H5Mnist: { dir: "keras2-h5-mnist-cnn", dataset: "mnist", preprocessing: "raw", accuracy: 0.9889 },
  keras3KerasMnist: { dir: "keras3-keras-mnist-cnn", dataset: "mnist", preprocessing: "1/255", accuracy: 0.9918 },
  tfjsLayersMnist: { dir: "tfjs-layers-mnist-cnn", dataset: "mnist", preprocessing: "1/255", accuracy: 0.9924 },
  keras3H5Cifar: { dir: "keras3-h5-cifar10-cnn", dataset: "cifar10", preprocessing: "1/255", accuracy: 0.7002 },
} as const;

/** The files of a shared fixture model, as an upload would carry them. */
export async function fixtureModelFiles(dir: string): Promise<Array<{ name: string; data: Uint8Array }>> {
  const folder = path.join(sharedDir(), "fixtures", "models", dir);
  const names = (await readdir(folder)).sort();
  return Promise.all(names.map(async (name) => ({ name, data: new Uint8Array(await readFile(path.join(folder, name))) })));
}
