import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearDatasetCache, fetchDataset, loadDataset, verifyDataset, type DatasetProgress } from "@/lib/datasets";
import { checkCopy } from "@/lib/datasets/checksum";
import { DATASETS } from "@/lib/datasets/registry";
import { FETCHERS, download, localLocations, sharedDatasetsDir } from "@/lib/datasets/sources";
import { SHARED, useEnv, useTempDirs } from "./helpers";

const LABELS = DATASETS.mnist.files.find((f) => f.name === "t10k-labels-idx1-ubyte")!;

describe("checksum verification", () => {
  const tmp = useTempDirs();
  const setEnv = useEnv();
  beforeEach(() => clearDatasetCache());
  afterEach(() => clearDatasetCache());

  it("accepts the official file raw or gzip, and refuses a one-byte change", () => {
    const gz = readFileSync(path.join(SHARED, "mnist/t10k-labels-idx1-ubyte.gz"));
    const ok = checkCopy("t10k-labels-idx1-ubyte.gz", gz, LABELS, "fix it");
    expect(ok.status).toBe("ok");
    if (ok.status !== "ok") return;
    expect(checkCopy("raw", ok.content, LABELS, "fix it").status).toBe("ok");
    // Recompressed with another gzip header/level: same content, still accepted.
    expect(checkCopy("re.gz", gzipSync(ok.content, { level: 1 }), LABELS, "fix it").status).toBe("ok");
    const tampered = ok.content.slice();
    tampered[500] = (tampered[500] + 1) % 10;
    const bad = checkCopy("t10k-labels-idx1-ubyte", tampered, LABELS, "delete it and run `npx holdout datasets fetch mnist`");
    expect(bad.status).toBe("mismatch");
    expect(bad.status !== "ok" && bad.message).toMatch(
      /^t10k-labels-idx1-ubyte: checksum mismatch: the sha256 of its content is [0-9a-f]{64}, the official t10k-labels-idx1-ubyte has ff7bcfd4.*it was not used\. Delete it and run `npx holdout datasets fetch mnist`\.$/,
    );
    const short = checkCopy("cut", ok.content.subarray(0, 100), LABELS, "fix it");
    expect(short.status).toBe("corrupt");
    expect(short.status !== "ok" && short.message).toMatch(/expected 10008 bytes .* found 100\. The file is truncated/);
  });

  it("never uses a mismatching copy: loading fails when it is the only one", async () => {
    const data = tmp();
    const empty = tmp();
    setEnv({ HOLDOUT_SHARED_DIR: empty });
    mkdirSync(path.join(data, "mnist"));
    copyFileSync(path.join(SHARED, "mnist/t10k-images-idx3-ubyte.gz"), path.join(data, "mnist/t10k-images-idx3-ubyte.gz"));
    // Tampered labels: right size, one label changed.
    const raw = checkCopy("x", readFileSync(path.join(SHARED, "mnist/t10k-labels-idx1-ubyte.gz")), LABELS, "");
    if (raw.status !== "ok") throw new Error("shared copy failed");
    const tampered = raw.content.slice();
    tampered[8] = (tampered[8] + 1) % 10;
    writeFileSync(path.join(data, "mnist/t10k-labels-idx1-ubyte"), tampered);

    const err = await loadDataset("mnist", "test", { dataDir: data, allowFetch: false }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain("Dataset mnist test: no verified copy of t10k-labels-idx1-ubyte.");
    expect(msg).toContain("checksum mismatch");
    expect(msg).toContain("it was not used");
    expect(msg).toContain("npx holdout datasets fetch mnist");

    const report = await verifyDataset("mnist", { dataDir: data, split: "test" });
    expect(report.ok).toBe(false);
    const labels = report.files.find((f) => f.file === "t10k-labels-idx1-ubyte")!;
    expect(labels.status).toBe("mismatch");
    expect(report.files.find((f) => f.file === "t10k-images-idx3-ubyte")!.status).toBe("ok");
  });

  it("skips a bad copy in the data dir for a verified fallback, with a warning", async () => {
    const data = tmp();
    mkdirSync(path.join(data, "mnist"));
    writeFileSync(path.join(data, "mnist/t10k-labels-idx1-ubyte.gz"), gzipSync(new Uint8Array(10008)));
    const events: DatasetProgress[] = [];
    const set = await loadDataset("mnist", "test", { dataDir: data, allowFetch: false, onProgress: (p) => events.push(p) });
    expect(set.count).toBe(10000);
    expect(Array.from(set.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    expect(set.source).toContain(path.join(SHARED, "mnist"));
    expect(events.some((e) => e.phase === "warning" && /checksum mismatch/.test(e.message))).toBe(true);
  });

  it("prefers a verified copy in the data dir and caches loads in-process", async () => {
    const data = tmp();
    mkdirSync(path.join(data, "cifar10"));
    copyFileSync(path.join(SHARED, "cifar10/test_batch.bin"), path.join(data, "cifar10/test_batch.bin"));
    const a = await loadDataset("cifar10", "test", { dataDir: data, allowFetch: false });
    expect(a.source).toBe(`data dir ${path.join(data, "cifar10")}`);
    expect(a.shape).toEqual([32, 32, 3]);
    expect(a.classNames[3]).toBe("cat");
    expect(a.numClasses).toBe(10);
    const b = await loadDataset("cifar10", "test", { dataDir: data, allowFetch: false });
    expect(b).toBe(a);
  });

  it("reads Fashion-MNIST from Debian's package when it is installed", async () => {
    const deb = localLocations(DATASETS["fashion-mnist"]).find((l) => l.kind === "debian")!;
    const { existsSync } = await import("node:fs");
    if (!existsSync(path.join(deb.dirs[0], "t10k-labels-idx1-ubyte.gz"))) {
      console.warn("dataset-fashion-mnist is not installed (apt-get install -y dataset-fashion-mnist); skipping");
      return;
    }
    const set = await loadDataset("fashion-mnist", "test", { dataDir: tmp(), allowFetch: false });
    expect(set.count).toBe(10000);
    expect(set.source).toContain("Debian dataset-fashion-mnist");
    expect(set.classNames[9]).toBe("Ankle boot");
    expect(Array.from(set.labels.subarray(0, 5))).toEqual([9, 2, 1, 1, 6]);
  });

  it("tries the download URLs last and fails fast with a plain explanation when offline", async () => {
    const none = tmp();
    setEnv({ HOLDOUT_SHARED_DIR: none, HOLDOUT_DEBIAN_DATASETS_DIR: none });
    // Point the download at a closed local port so the test never depends on DNS or a network.
    const spec = DATASETS["fashion-mnist"];
    const saved = spec.urls;
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    (spec as { urls: string[] }).urls = [`http://127.0.0.1:${port}/`];
    try {
      const t0 = Date.now();
      const err = await fetchDataset("fashion-mnist", { dataDir: tmp(), split: "test" }).catch((e: Error) => e);
      expect(Date.now() - t0).toBeLessThan(10_000);
      const msg = (err as Error).message;
      expect(msg).toContain("Dataset fashion-mnist test: no verified copy of t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte.");
      expect(msg).toContain(`could not download t10k-images-idx3-ubyte.gz: http://127.0.0.1:${port}/t10k-images-idx3-ubyte.gz: fetch failed (ECONNREFUSED); this machine cannot reach that host`);
      expect(msg).toContain("apt-get install -y dataset-fashion-mnist");
    } finally {
      (spec as { urls: string[] }).urls = saved;
    }
  });

  it("resolves the shared folder from HOLDOUT_SHARED_DIR", () => {
    setEnv({ HOLDOUT_SHARED_DIR: "/somewhere/shared" });
    expect(sharedDatasetsDir()).toBe("/somewhere/shared/datasets");
  });

  it("rejects unknown names and splits in plain words", async () => {
    await expect(loadDataset("imagenet", "test")).rejects.toThrow('Unknown dataset "imagenet". Known datasets: mnist, fashion-mnist, cifar10.');
    await expect(loadDataset("mnist", "val" as "test")).rejects.toThrow('Unknown split "val": use "train" or "test".');
  });
});

describe("downloads", () => {
  const tmp = useTempDirs();
  let server: http.Server | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  async function serve(files: Record<string, Uint8Array>): Promise<string> {
    server = http.createServer((req, res) => {
      const body = files[req.url ?? ""];
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-length": String(body.length) });
      res.end(body);
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it("downloads official .gz files from the dataset's URL, verifies and stores them", async () => {
    const deb = "/usr/share/datasets/fashion-mnist";
    const { existsSync } = await import("node:fs");
    if (!existsSync(`${deb}/t10k-labels-idx1-ubyte.gz`)) return; // needs dataset-fashion-mnist as the file to serve
    const base = await serve({
      "/t10k-images-idx3-ubyte.gz": readFileSync(`${deb}/t10k-images-idx3-ubyte.gz`),
      "/t10k-labels-idx1-ubyte.gz": readFileSync(`${deb}/t10k-labels-idx1-ubyte.gz`),
    });
    const spec = { ...DATASETS["fashion-mnist"], urls: ["http://127.0.0.1:1/", base] };
    const data = tmp();
    const events: DatasetProgress[] = [];
    const got = await FETCHERS.urlFiles.run(spec, spec.files.filter((f) => f.split === "test"), { dataDir: data }, (p) => events.push({ dataset: spec.name, ...p }));
    expect(got.map((g) => g.path)).toEqual([path.join(data, "fashion-mnist/t10k-images-idx3-ubyte.gz"), path.join(data, "fashion-mnist/t10k-labels-idx1-ubyte.gz")]);
    expect(got[0].source).toBe(`download ${base}t10k-images-idx3-ubyte.gz`);
    expect(events.some((e) => e.phase === "download" && e.done === e.total && e.total === 4422079)).toBe(true);
    const v = await verifyDataset("fashion-mnist", { dataDir: data, split: "test", fallbacks: false, requireAll: true });
    expect(v.ok).toBe(true);
  });

  it("refuses a downloaded file or archive that does not match the official checksum", async () => {
    const fake = gzipSync(new Uint8Array(10008));
    const tgz = new Uint8Array(1000);
    const base = await serve({ "/t10k-labels-idx1-ubyte.gz": fake, "/cifar-10-binary.tar.gz": tgz });
    const data = tmp();
    const mnist = { ...DATASETS.mnist, urls: [base] };
    const need = mnist.files.filter((f) => f.name === "t10k-labels-idx1-ubyte");
    await expect(FETCHERS.urlFiles.run(mnist, need, { dataDir: data }, () => {})).rejects.toThrow(/checksum mismatch: .*it was not used/);
    const cifar = { ...DATASETS.cifar10, archive: { ...DATASETS.cifar10.archive!, url: [`${base}cifar-10-binary.tar.gz`] } };
    await expect(FETCHERS.urlArchive.run(cifar, cifar.files.slice(5), { dataDir: data }, () => {})).rejects.toThrow(/the archive does not match the official md5 c32a1d4ab5d03f1284b67883e8d87530; it was not used/);
    const { readdirSync, existsSync } = await import("node:fs");
    expect(existsSync(path.join(data, "mnist"))).toBe(false);
    expect(readdirSync(path.join(data, ".cache"))).toEqual([]);
  });

  it("streams to disk with progress, and fails fast and clearly without a network", async () => {
    const body = Buffer.alloc(200_000, 7);
    server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-length": String(body.length) });
      res.end(body);
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    const dest = path.join(tmp(), "f.bin");
    const seen: number[] = [];
    await download(`http://127.0.0.1:${port}/f.bin`, dest, (done) => seen.push(done));
    expect(readFileSync(dest).equals(body)).toBe(true);
    expect(seen.at(-1)).toBe(body.length);

    const t0 = Date.now();
    await expect(download("http://no-such-host.invalid/x.gz", path.join(tmp(), "x"))).rejects.toThrow(/http:\/\/no-such-host\.invalid\/x\.gz: fetch failed \(ENOTFOUND\); this machine cannot reach that host/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
