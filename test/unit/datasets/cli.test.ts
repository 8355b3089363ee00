import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "@/lib/datasets/sources";
import { useTempDirs } from "./helpers";

function holdout(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["bin/holdout.mjs", ...args], {
    cwd: repoRoot(),
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("holdout datasets (CLI)", () => {
  const tmp = useTempDirs();

  it("verify --data-dir ../shared/datasets: MNIST and CIFAR-10 test sets OK, 10000 examples each", () => {
    const r = holdout(["datasets", "verify", "--data-dir", "../shared/datasets"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mnist\s+test\s+OK\s+10000 examples/m);
    expect(r.stdout).toMatch(/^cifar10\s+test\s+OK\s+10000 examples/m);
    expect(r.stdout).toMatch(/^mnist\s+train\s+OK\s+60000 examples/m);
    expect(r.stdout).toContain("All files found match their official checksums.");
  });

  it("verify exits non-zero when a file fails its checksum, or a requested file is missing", () => {
    const dir = tmp();
    mkdirSync(path.join(dir, "cifar10"));
    writeFileSync(path.join(dir, "cifar10/test_batch.bin"), new Uint8Array(30730000));
    const bad = holdout(["datasets", "verify", "cifar10", "--split", "test", "--data-dir", dir, "--no-fallbacks"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAILED\s+.*test_batch\.bin: checksum mismatch/);
    expect(bad.stderr).toContain("holdout: 1 file(s) failed verification.");

    const empty = tmp();
    const missing = holdout(["datasets", "verify", "mnist", "--split", "test", "--data-dir", empty, "--no-fallbacks"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/mnist\s+test\s+missing/);
    expect(missing.stderr).toContain("holdout: 2 requested file(s) missing (run `npx holdout datasets fetch mnist`).");
  });

  it("list shows every dataset with its source and checksum status", () => {
    const r = holdout(["datasets", "list", "--json", "--data-dir", "../shared/datasets"]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; splits: Record<string, { status: string; examples?: number; source?: string }> }>;
    expect(rows.map((x) => x.name)).toEqual(["mnist", "fashion-mnist", "cifar10"]);
    const cifar = rows.find((x) => x.name === "cifar10")!;
    expect(cifar.splits.test).toMatchObject({ status: "ok", examples: 10000 });
    expect(cifar.splits.test.source).toContain("cifar10");
    const text = holdout(["datasets", "list", "--data-dir", "../shared/datasets"]);
    expect(text.stdout).toMatch(/cifar10 — CIFAR-10/);
    expect(text.stdout).toMatch(/test\s+checksums OK, 10000 examples, from /);
  });

  it("fetch fails clearly when nothing can provide the files", () => {
    const dir = tmp();
    const r = holdout(["datasets", "fetch", "nosuch", "--data-dir", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Unknown dataset "nosuch"');
  });
});
