/**
 * HDF5 access through h5wasm (HDF5 compiled to WebAssembly: no native build).
 *
 * h5wasm's Node build reads and writes real files (Emscripten NODERAWFS), so bytes go through
 * a private temporary directory that is removed when the file is closed. HDF5 prints its
 * error stack straight to file descriptor 2 for every failed call (e.g. probing a missing
 * attribute, or a damaged upload); those writes are muted while h5wasm runs, because the
 * useful part of the error is reported to the student in our own words.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import h5wasm from "h5wasm/node";
import { fail, formatBytes, formatCount } from "./errors";

type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;
type H5File = InstanceType<typeof h5wasm.File>;

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5 files start with the signature at 0, or after a user block at 512, 1024, 2048, ... */
export function isHdf5(data: Uint8Array): boolean {
  for (let offset = 0; offset + 8 <= data.length && offset <= 1 << 20; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((byte, i) => data[offset + i] === byte)) return true;
  }
  return false;
}

let ready: Promise<unknown> | null = null;
async function ensureReady(): Promise<void> {
  ready ??= h5wasm.ready;
  await ready;
}

/** Runs fn with HDF5's diagnostic printing (direct writes to fd 2) swallowed. */
function quietly<T>(fn: () => T): T {
  const originalWriteSync = fs.writeSync;
  // h5wasm calls fs.writeSync(2, buffer, offset, length, position) for its stderr.
  (fs as { writeSync: unknown }).writeSync = (fd: number, buffer: unknown, ...rest: unknown[]) => {
    if (fd === 2) return typeof rest[1] === "number" ? rest[1] : ((buffer as { length?: number })?.length ?? 0);
    return (originalWriteSync as (...args: unknown[]) => number)(fd, buffer, ...rest);
  };
  try {
    return fn();
  } finally {
    (fs as { writeSync: unknown }).writeSync = originalWriteSync;
  }
}

export interface Hdf5Reader {
  readonly fileName: string;
  /** Group or dataset at `path`, or null when absent. */
  get(objectPath: string): H5Group | H5Dataset | null;
  group(objectPath: string): H5Group | null;
  dataset(objectPath: string): H5Dataset | null;
  /** Attribute of the object at `objectPath` as a string (bytes decoded), or null. */
  attrString(objectPath: string, name: string): string | null;
  /** Attribute as a list of strings (Keras' layer_names / weight_names), [] when empty. */
  attrStrings(objectPath: string, name: string): string[] | null;
  /** Names of a group's children, or [] when the group is absent. */
  keys(objectPath: string): string[];
  /** Reads a float dataset as Float32Array, after checking its size (before reading). */
  readFloats(objectPath: string, opts: { maxElements: number; what: string }): { shape: number[]; data: Float32Array };
  close(): void;
}

/** Opens HDF5 bytes. Throws a SubmissionError (MALFORMED_HDF5) for anything unreadable. */
export async function openHdf5(bytes: Uint8Array, fileName: string): Promise<Hdf5Reader> {
  if (!isHdf5(bytes)) {
    fail("MALFORMED_HDF5", `${fileName} is not an HDF5 file (its signature is missing).`, {
      location: fileName,
      hint: "Upload the .h5 file written by model.save('model.h5') or the .keras file written by model.save('model.keras').",
    });
  }
  await ensureReady();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "holdout-h5-"));
  const filePath = path.join(dir, "model.h5");
  fs.writeFileSync(filePath, bytes);
  let file: H5File;
  try {
    file = quietly(() => new h5wasm.File(filePath, "r"));
    quietly(() => file.keys());
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    fail("MALFORMED_HDF5", `${fileName} is damaged: HDF5 cannot read it (it may be truncated, ${formatBytes(bytes.length)} received).`, {
      location: fileName,
      hint: "Upload the complete file again, exactly as saved.",
    });
  }
  return new H5wasmReader(file, fileName, dir);
}

class H5wasmReader implements Hdf5Reader {
  private closed = false;
  constructor(
    private readonly file: H5File,
    readonly fileName: string,
    private readonly dir: string,
  ) {}

  get(objectPath: string): H5Group | H5Dataset | null {
    const clean = objectPath.replace(/^\/+/, "");
    if (clean === "") return this.file;
    return this.guard(`reading "${clean}"`, () => {
      // Walk part by part: asking h5wasm for a missing path deep inside logs and throws.
      let current: H5Group | H5Dataset = this.file;
      for (const part of clean.split("/")) {
        if (!(current instanceof h5wasm.Group) || !current.keys().includes(part)) return null;
        const next = current.get(part);
        if (!(next instanceof h5wasm.Group) && !(next instanceof h5wasm.Dataset)) return null;
        current = next;
      }
      return current;
    });
  }

  group(objectPath: string): H5Group | null {
    const obj = this.get(objectPath);
    return obj instanceof h5wasm.Group ? obj : null;
  }

  dataset(objectPath: string): H5Dataset | null {
    const obj = this.get(objectPath);
    return obj instanceof h5wasm.Dataset ? obj : null;
  }

  attrString(objectPath: string, name: string): string | null {
    const value = this.attrValue(objectPath, name);
    if (value == null) return null;
    if (typeof value === "string") return value;
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string") return value[0];
    return null;
  }

  attrStrings(objectPath: string, name: string): string[] | null {
    const value = this.attrValue(objectPath, name);
    if (value == null) return null;
    if (typeof value === "string") return [value];
    // Keras writes an empty float64 array for layers without weights.
    if (ArrayBuffer.isView(value)) return (value as unknown as { length: number }).length === 0 ? [] : null;
    if (Array.isArray(value)) return value.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
    return null;
  }

  keys(objectPath: string): string[] {
    const group = this.group(objectPath);
    return group ? this.guard("listing a group", () => group.keys()) : [];
  }

  readFloats(objectPath: string, opts: { maxElements: number; what: string }): { shape: number[]; data: Float32Array } {
    const ds = this.dataset(objectPath);
    if (!ds) fail("WEIGHT_MISSING", `${opts.what} is missing from ${this.fileName} (expected at "${objectPath}").`, { location: this.fileName });
    const shape = this.guard(`reading the shape of "${objectPath}"`, () => ds.shape ?? []);
    const elements = shape.reduce((a, b) => a * b, 1);
    if (elements > opts.maxElements) {
      fail("WEIGHT_TOO_LARGE", `${opts.what} has shape [${shape.join(", ")}] (${formatCount(elements)} values), over the limit of ${formatCount(opts.maxElements)} parameters.`, {
        location: this.fileName,
        hint: "Submit a smaller model.",
      });
    }
    const dtype = this.guard("reading a dtype", () => ds.dtype);
    const value = this.guard(`reading "${objectPath}"`, () => ds.value);
    let data: Float32Array;
    if (value instanceof Float32Array) data = value;
    else if (value instanceof Float64Array) data = Float32Array.from(value);
    else if (typeof dtype === "string" && /^[<>]?e$/.test(dtype) && value instanceof Uint16Array) data = halfToFloat(value);
    else {
      fail("WEIGHT_DTYPE", `${opts.what} is stored as ${describeDtype(dtype)}, not as floating-point numbers.`, {
        location: this.fileName,
        hint: "Weights must be float32 (Keras' default). Do not cast the model to integers before saving.",
      });
    }
    if (data.length !== elements) {
      fail("MALFORMED_HDF5", `${opts.what}: ${data.length} values read for shape [${shape.join(", ")}].`, { location: this.fileName });
    }
    return { shape, data };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      quietly(() => this.file.close());
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private attrValue(objectPath: string, name: string): unknown {
    const obj = this.get(objectPath);
    if (!obj) return null;
    return this.guard(`reading attribute "${name}"`, () => {
      const attrs = obj.attrs;
      return name in attrs ? attrs[name].value : null;
    });
  }

  /** Any h5wasm failure on an opened file means the file's contents are damaged. */
  private guard<T>(what: string, fn: () => T): T {
    try {
      return quietly(fn);
    } catch (error) {
      if (error instanceof Error && error.name === "SubmissionError") throw error;
      fail("MALFORMED_HDF5", `${this.fileName} is damaged: HDF5 failed while ${what} (${error instanceof Error ? error.message : String(error)}).`, {
        location: this.fileName,
        hint: "Upload the complete file again, exactly as saved.",
      });
    }
  }
}

function describeDtype(dtype: unknown): string {
  if (typeof dtype === "string") {
    const kinds: Record<string, string> = { i: "integers", u: "unsigned integers", S: "strings", b: "booleans" };
    const kind = dtype.replace(/^[<>|=]/, "")[0];
    return `${kinds[kind] ?? "an unsupported type"} (HDF5 dtype "${dtype}")`;
  }
  return `an unsupported type (${JSON.stringify(dtype)})`;
}

/** IEEE half precision -> float32 (h5wasm returns float16 data as raw 16-bit words). */
function halfToFloat(words: Uint16Array): Float32Array {
  const out = new Float32Array(words.length);
  for (let i = 0; i < words.length; i++) {
    const h = words[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 31) out[i] = fraction ? NaN : sign * Infinity;
    else out[i] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing (the platform's own writers and test fixtures)

export interface Hdf5Writer {
  root: H5Group;
  /** Creates every missing group along `groupPath` and returns the last one. */
  ensureGroup(groupPath: string): H5Group;
  writeFloats(datasetPath: string, data: Float32Array, shape: number[]): void;
  /** Finishes the file and returns its bytes. */
  finish(): Uint8Array;
}

export async function createHdf5(): Promise<Hdf5Writer> {
  await ensureReady();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "holdout-h5w-"));
  const filePath = path.join(dir, "out.h5");
  const file = quietly(() => new h5wasm.File(filePath, "w"));
  const ensureGroup = (groupPath: string): H5Group => {
    let current: H5Group = file;
    for (const part of groupPath.split("/").filter(Boolean)) {
      current = current.keys().includes(part) ? (current.get(part) as H5Group) : current.create_group(part);
    }
    return current;
  };
  return {
    root: file,
    ensureGroup,
    writeFloats(datasetPath, data, shape) {
      const parts = datasetPath.split("/").filter(Boolean);
      const name = parts.pop()!;
      ensureGroup(parts.join("/")).create_dataset({ name, data, shape, dtype: "<f" });
    },
    finish() {
      try {
        quietly(() => file.close());
        return new Uint8Array(fs.readFileSync(filePath));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
