/**
 * HDF5 files that keep data outside themselves (issue 11): every one is refused with a message,
 * and reading them opens nothing on disk. The fixtures in ../shared/fixtures/hostile were made
 * with h5py; the link cases below are built here with the project's own HDF5 writer.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import nodeFs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { validateSubmission, type ModelValidationError } from "@/lib/models";
import { createHdf5, openHdf5 } from "@/lib/models/hdf5";
import { fixtureModelFiles, sharedDir } from "@/test/helpers/fixtures";
import { useWasmBackend } from "./helpers/data";

const HOSTILE = [
  { file: "external-storage-absolute.h5", target: "hostname", kind: /refers to another file/ },
  { file: "external-storage-relative.h5", target: "holdout-canary.bin", kind: /refers to another file/ },
  { file: "external-link.h5", target: "linked-source.h5", kind: /is a link that refers to another file/ },
  { file: "virtual-dataset.h5", target: "linked-source.h5", kind: /is a virtual dataset that refers to another file/ },
  { file: "external-storage-in-keras.keras", target: "holdout-canary.bin", kind: /refers to another file/ },
];

/** 31,360 bytes that decode, as float32, to a pattern no real model has. */
const CANARY = Buffer.alloc(31_360);
for (let i = 0; i < CANARY.length; i += 4) CANARY.writeFloatLE(1234.5 + i, i);

let workDir: string;
const startDir = process.cwd();
beforeAll(async () => {
  await useWasmBackend();
  // The relative external-storage fixtures name holdout-canary.bin in the working directory.
  workDir = mkdtempSync(path.join(os.tmpdir(), "holdout-hostile-"));
  writeFileSync(path.join(workDir, "holdout-canary.bin"), CANARY);
  writeFileSync(path.join(workDir, "linked-source.h5"), readFileSync(path.join(sharedDir(), "fixtures/hostile/src/linked-source.h5")));
  process.chdir(workDir);
});
afterAll(() => {
  process.chdir(startDir);
  rmSync(workDir, { recursive: true, force: true });
});

function hostile(name: string) {
  return { name, data: new Uint8Array(readFileSync(path.join(sharedDir(), "fixtures/hostile", name))) };
}

describe("HDF5 files that point outside themselves", () => {
  it.each(HOSTILE)("$file is refused with a message, and no file on disk is opened", async ({ file, target, kind }) => {
    const opens = vi.spyOn(nodeFs, "openSync");
    const reads = vi.spyOn(nodeFs, "readFileSync");
    try {
      const result = await validateSubmission([hostile(file)], { dataset: "mnist" });
      expect(result.ok).toBe(false);
      const error = result.errors.find((e: ModelValidationError) => e.code === "EXTERNAL_DATA");
      expect(error, JSON.stringify(result.errors)).toBeDefined();
      expect(error!.message).toMatch(kind);
      expect(error!.message).toContain(target);
      expect(error!.hint).toMatch(/model\.save/);
      // Only the file name is echoed, never a server path.
      expect(error!.message).not.toMatch(/\/etc\/|\/tmp\/|\/work\//);
      const touched = [...opens.mock.calls, ...reads.mock.calls].map((call) => String(call[0]));
      expect(touched.filter((p) => /canary|linked-source|hostname/.test(p))).toEqual([]);
    } finally {
      opens.mockRestore();
      reads.mockRestore();
    }
  });

  it("a genuine model still reads exactly after the hostile ones (no state left behind)", async () => {
    for (const { file } of HOSTILE) await validateSubmission([hostile(file)], { dataset: "mnist" });
    const result = await validateSubmission(await fixtureModelFiles("keras2-h5-mnist-cnn"), { dataset: "mnist", preprocessing: "raw" });
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("refuses external links and dangling soft links anywhere in the file, even where the model never reads", async () => {
    const withExtra = async (add: (root: Awaited<ReturnType<typeof createHdf5>>["root"]) => void) => {
      const writer = await createHdf5();
      writer.writeFloats("data/values", new Float32Array([1, 2, 3]), [3]);
      add(writer.root);
      return writer.finish();
    };
    const externalLink = await withExtra((root) => root.create_external_link("/etc/passwd", "/", "secret"));
    await expect(openHdf5(externalLink, "model.h5")).rejects.toMatchObject({ problems: [expect.objectContaining({ code: "EXTERNAL_DATA", message: expect.stringContaining("passwd") })] });

    const dangling = await withExtra((root) => root.create_soft_link("/nowhere", "pointer"));
    await expect(openHdf5(dangling, "model.h5")).rejects.toMatchObject({ problems: [expect.objectContaining({ code: "MALFORMED_HDF5", message: expect.stringContaining("/nowhere") })] });

    // A soft link inside the file is plain HDF5 and stays readable.
    const inside = await withExtra((root) => root.create_soft_link("/data/values", "alias"));
    const reader = await openHdf5(inside, "model.h5");
    expect(Array.from(reader.readFloats("alias", { maxElements: 10, what: "alias" }).data)).toEqual([1, 2, 3]);
    reader.close();

  });

  it("a truncated file is damaged, not a reference to another file", async () => {
    const data = (await fixtureModelFiles("keras2-h5-mnist-cnn"))[0].data;
    const result = await validateSubmission([{ name: "mnist1.h5", data: data.subarray(0, Math.floor(data.length / 2)) }], { dataset: "mnist" });
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.code)).toContain("MALFORMED_HDF5");
  });
});
