/**
 * Test helpers: the official test sets read straight from ../shared/datasets, and a wasm
 * TF.js backend. (The datasets module verifies checksums and finds copies; tests only need
 * the bytes, so they read the shared files directly.)
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { initEngine } from "@/lib/engine/backend";
import type { TestData } from "@/lib/evaluation";

export const repoRoot = path.resolve(import.meta.dirname, "../../../..");
export const sharedDir = path.resolve(repoRoot, "../shared");
export const fixturesDir = path.join(sharedDir, "fixtures/models");

export async function useWasmBackend(): Promise<void> {
  await initEngine({ prefer: "wasm", log: () => {} });
}

const cache = new Map<string, TestData>();

export function mnistTest(): TestData {
  const hit = cache.get("mnist");
  if (hit) return hit;
  const dir = path.join(sharedDir, "datasets/mnist");
  const images = zlib.gunzipSync(fs.readFileSync(path.join(dir, "t10k-images-idx3-ubyte.gz")));
  const labels = zlib.gunzipSync(fs.readFileSync(path.join(dir, "t10k-labels-idx1-ubyte.gz")));
  const data: TestData = {
    images: new Uint8Array(images.buffer, images.byteOffset + 16, 10000 * 784),
    labels: new Uint8Array(labels.buffer, labels.byteOffset + 8, 10000),
    count: 10000,
    shape: [28, 28, 1],
    numClasses: 10,
    classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  };
  cache.set("mnist", data);
  return data;
}

/** CIFAR-10 test batch: records are label + planar RGB; converted to NHWC. */
export function cifarTest(): TestData {
  const hit = cache.get("cifar10");
  if (hit) return hit;
  const raw = fs.readFileSync(path.join(sharedDir, "datasets/cifar10/test_batch.bin"));
  const count = 10000;
  const images = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const record = i * 3073;
    labels[i] = raw[record];
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) images[i * 3072 + p * 3 + c] = raw[record + 1 + c * 1024 + p];
    }
  }
  const classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
  const data: TestData = { images, labels, count, shape: [32, 32, 3], numClasses: 10, classNames };
  cache.set("cifar10", data);
  return data;
}

export function readFixture(...parts: string[]): { name: string; data: Uint8Array } {
  const file = path.join(fixturesDir, ...parts);
  return { name: path.basename(file), data: new Uint8Array(fs.readFileSync(file)) };
}
