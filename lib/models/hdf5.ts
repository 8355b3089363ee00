/**
 * HDF5 access through h5wasm (HDF5 compiled to WebAssembly: no native build), entirely in memory.
 *
 * An upload is bytes, never a path. HDF5 can keep a dataset's bytes in *other* files named inside
 * the file (external storage, external links, virtual datasets), and h5wasm's Node build opens
 * those on the real filesystem: a crafted model could read server files through its own
 * predictions. So this module uses h5wasm's in-memory build (Emscripten MEMFS, no access to the
 * real filesystem at all), and on top of that:
 * - while HDF5 works on an upload, the in-memory file system lets it open that upload's own file
 *   and nothing else; any other name it tries is recorded and the upload is refused;
 * - every object of the file is inspected when it is opened: external links, dangling soft
 *   links, virtual datasets, filters we do not ship and exotic datatypes are refused with a
 *   message, whether or not the model would have read them;
 * - a read that HDF5 reports as failed throws (h5wasm itself ignores the status and would hand
 *   back whatever was in the buffer: leftover memory).
 * HDF5 prints its error stack for every failed call; that output is muted, because the useful
 * part of the error is reported to the student in our own words.
 */
import path from "node:path";
import h5wasm from "h5wasm";
import { fail, formatBytes, formatCount } from "./errors";

type H5Module = Awaited<typeof h5wasm.ready>;
type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;
type H5File = InstanceType<typeof h5wasm.File>;
type ReadStatus = (...args: unknown[]) => number;
interface EmscriptenFs {
  open(target: unknown, ...rest: unknown[]): unknown;
  writeFile(name: string, data: Uint8Array): void;
  readFile(name: string): Uint8Array;
  unlink(name: string): void;
  getStream(fd: number): { stream_ops: Record<string, unknown> } | null;
  ErrnoError: new (errno: number) => Error;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** Filters HDF5 runs from its own code. Anything else would need a plugin, which we never load. */
const BUILT_IN_FILTERS = new Map([
  [1, "deflate (gzip)"],
  [2, "shuffle"],
  [3, "fletcher32 checksum"],
]);
/** HDF5 datatype classes we read or skip safely: integer, float, string. */
const PLAIN_TYPE_CLASSES = new Set([0, 1, 3]);
const TYPE_CLASS_NAMES: Record<number, string> = { 2: "time", 4: "bitfield", 5: "opaque", 6: "compound", 7: "reference", 8: "enum", 9: "variable-length", 10: "array" };
/** A Keras file has a few hundred objects; hard links can make cycles, so the walk is bounded. */
const MAX_OBJECTS = 20_000;
const MAX_DEPTH = 64;
const ENOENT = 44;

/** HDF5 files start with the signature at 0, or after a user block at 512, 1024, 2048, ... */
export function isHdf5(data: Uint8Array): boolean {
  for (let offset = 0; offset + 8 <= data.length && offset <= 1 << 20; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((byte, i) => data[offset + i] === byte)) return true;
  }
  return false;
}

/**
 * The one file HDF5 may open right now (h5wasm is synchronous, so "now" is one call), and the
 * names it tried to open besides that file since the current upload was opened.
 */
const gate = { allowed: null as string | null, refused: [] as string[] };

let ready: Promise<H5Module> | null = null;
let fileCounter = 0;

function ensureReady(): Promise<H5Module> {
  ready ??= h5wasm.ready.then((module) => {
    const fs = (module as unknown as { FS: EmscriptenFs }).FS;
    const open = fs.open.bind(fs);
    fs.open = (target: unknown, ...rest: unknown[]) => {
      const name = typeof target === "string" ? path.posix.resolve("/", target) : null;
      if (name !== null && name !== gate.allowed) {
        gate.refused.push(name);
        throw new fs.ErrnoError(ENOENT);
      }
      return open(target, ...rest);
    };
    const stderr = fs.getStream(2);
    if (stderr) stderr.stream_ops = { ...stderr.stream_ops, write: (_stream: unknown, _buffer: unknown, _offset: number, length: number) => length };
    // Filters outside HDF5's own are refused before reading; HDF5 still probes its plugin folders
    // for an unknown filter id, so it gets none to look in.
    const plugins = module as unknown as { get_plugin_search_paths(): string[]; remove_plugin_search_path(index: number): number };
    while (plugins.get_plugin_search_paths().length > 0) plugins.remove_plugin_search_path(0);
    const calls = module as unknown as Record<string, ReadStatus>;
    for (const name of ["get_dataset_data", "get_attribute_data"]) {
      const read = calls[name];
      calls[name] = (...args: unknown[]) => {
        const status = read(...args);
        if (typeof status === "number" && status < 0) throw new Error("HDF5 could not read the data");
        return status;
      };
    }
    return module;
  });
  return ready;
}

function memfs(module: H5Module): EmscriptenFs {
  return (module as unknown as { FS: EmscriptenFs }).FS;
}

/** Runs fn with HDF5 allowed to open `fileName` and nothing else. */
function within<T>(fileName: string, fn: () => T): T {
  const previous = gate.allowed;
  gate.allowed = fileName;
  try {
    return fn();
  } finally {
    gate.allowed = previous;
  }
}

export interface Hdf5Reader {
  readonly fileName: string;
  /** Whether a group exists at `objectPath`. */
  hasGroup(objectPath: string): boolean;
  /** Shape of the dataset at `objectPath`, or null when there is none. */
  datasetShape(objectPath: string): number[] | null;
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

const RESAVE_HINT = "Save the model again with model.save('model.h5') or model.save('model.keras') in an ordinary Keras session, and upload that file.";

/**
 * Opens HDF5 bytes in memory. Throws a SubmissionError (MALFORMED_HDF5) for anything unreadable,
 * and EXTERNAL_DATA for a file that keeps data outside itself.
 */
export async function openHdf5(bytes: Uint8Array, fileName: string): Promise<Hdf5Reader> {
  if (!isHdf5(bytes)) {
    fail("MALFORMED_HDF5", `${fileName} is not an HDF5 file (its signature is missing).`, {
      location: fileName,
      hint: "Upload the .h5 file written by model.save('model.h5') or the .keras file written by model.save('model.keras').",
    });
  }
  const module = await ensureReady();
  const fs = memfs(module);
  const memoryName = `/upload-${process.pid}-${++fileCounter}.h5`;
  within(memoryName, () => fs.writeFile(memoryName, bytes));
  gate.refused = [];
  let file: H5File;
  try {
    file = within(memoryName, () => {
      const opened = new h5wasm.File(memoryName, "r");
      opened.keys();
      return opened;
    });
  } catch {
    fs.unlink(memoryName);
    if (gate.refused.length) refuseExternal(fileName, "the file itself", gate.refused);
    fail("MALFORMED_HDF5", `${fileName} is damaged: HDF5 cannot read it (it may be truncated, ${formatBytes(bytes.length)} received).`, {
      location: fileName,
      hint: "Upload the complete file again, exactly as saved.",
    });
  }
  const reader = new H5wasmReader(file, fileName, memoryName, fs);
  try {
    reader.inspectEveryObject();
  } catch (error) {
    reader.close();
    throw error;
  }
  return reader;
}

function refuseExternal(fileName: string, where: string, names: string[]): never {
  fail("EXTERNAL_DATA", `${fileName} keeps data outside the file: ${where} refers to another file (${JSON.stringify(path.posix.basename(names[0]))}). Holdout reads only the bytes you upload.`, {
    location: fileName,
    hint: RESAVE_HINT,
  });
}

class H5wasmReader implements Hdf5Reader {
  private closed = false;
  constructor(
    private readonly file: H5File,
    readonly fileName: string,
    private readonly memoryName: string,
    private readonly fs: EmscriptenFs,
  ) {}

  /**
   * Walks every object once and refuses anything that is not plain data inside this file.
   * Each dataset's first element is read so that external storage (invisible in h5wasm's
   * metadata) shows up as an attempt to open another file.
   */
  inspectEveryObject(): void {
    let visited = 0;
    const visit = (group: H5Group, groupPath: string, depth: number) => {
      if (depth > MAX_DEPTH) fail("MALFORMED_HDF5", `${this.fileName} nests groups more than ${MAX_DEPTH} deep.`, { location: this.fileName, hint: RESAVE_HINT });
      for (const key of this.guard("listing a group", () => group.keys())) {
        if (++visited > MAX_OBJECTS) fail("MALFORMED_HDF5", `${this.fileName} has more than ${formatCount(MAX_OBJECTS)} objects (or a group that contains itself).`, { location: this.fileName, hint: RESAVE_HINT });
        const objectPath = `${groupPath}/${key}`;
        const entity = this.guard(`opening "${objectPath}"`, () => group.get(key));
        if (entity instanceof h5wasm.Group) visit(entity, objectPath, depth + 1);
        else if (entity instanceof h5wasm.Dataset) this.inspectDataset(entity, objectPath);
        else if (entity && (entity as { type?: string }).type === "ExternalLink") {
          refuseExternal(this.fileName, `"${objectPath}" is an external link that`, [(entity as { filename: string }).filename]);
        } else if (entity && (entity as { type?: string }).type === "BrokenSoftLink") {
          fail("MALFORMED_HDF5", `${this.fileName}: "${objectPath}" is a link to "${(entity as { target: string }).target}", which does not exist in the file.`, { location: this.fileName, hint: RESAVE_HINT });
        }
      }
    };
    visit(this.file, "", 0);
  }

  private inspectDataset(dataset: H5Dataset, objectPath: string): void {
    const metadata = this.guard(`reading "${objectPath}"`, () => dataset.metadata) as { type: number; shape: number[] | null; total_size: number; virtual_sources?: Array<{ file_name: string }> };
    if (metadata.virtual_sources?.length) {
      refuseExternal(this.fileName, `"${objectPath}" is a virtual dataset that`, [metadata.virtual_sources[0].file_name]);
    }
    if (!PLAIN_TYPE_CLASSES.has(metadata.type)) {
      fail("WEIGHT_DTYPE", `${this.fileName}: "${objectPath}" holds ${TYPE_CLASS_NAMES[metadata.type] ?? "unknown"} data, which a Keras model file never contains.`, { location: this.fileName, hint: RESAVE_HINT });
    }
    for (const filter of this.guard(`reading the filters of "${objectPath}"`, () => dataset.filters)) {
      if (!BUILT_IN_FILTERS.has(filter.id)) {
        fail("MALFORMED_HDF5", `${this.fileName}: "${objectPath}" is compressed with HDF5 filter ${filter.id}${filter.name ? ` (${filter.name})` : ""}, which Holdout does not read.`, {
          location: this.fileName,
          hint: `Save without compression (Keras' default), or with gzip. ${RESAVE_HINT}`,
        });
      }
    }
    if (metadata.shape && metadata.shape.length > 0 && metadata.total_size > 0) {
      this.guard(`reading "${objectPath}"`, () => dataset.slice(metadata.shape!.map(() => [0, 1])));
    }
  }

  hasGroup(objectPath: string): boolean {
    return this.get(objectPath) instanceof h5wasm.Group;
  }

  datasetShape(objectPath: string): number[] | null {
    const dataset = this.get(objectPath);
    return dataset instanceof h5wasm.Dataset ? this.guard(`reading the shape of "${objectPath}"`, () => dataset.shape ?? []) : null;
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
    const group = this.get(objectPath);
    return group instanceof h5wasm.Group ? this.guard("listing a group", () => group.keys()) : [];
  }

  readFloats(objectPath: string, opts: { maxElements: number; what: string }): { shape: number[]; data: Float32Array } {
    const ds = this.get(objectPath);
    if (!(ds instanceof h5wasm.Dataset)) fail("WEIGHT_MISSING", `${opts.what} is missing from ${this.fileName} (expected at "${objectPath}").`, { location: this.fileName });
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
      within(this.memoryName, () => this.file.close());
    } catch {
      // A file HDF5 cannot close cleanly is dropped all the same.
    } finally {
      this.fs.unlink(this.memoryName);
    }
  }

  /** Group or dataset at `objectPath`, or null when absent (walked part by part: asking h5wasm for a missing deep path throws). */
  private get(objectPath: string): H5Group | H5Dataset | null {
    const clean = objectPath.replace(/^\/+/, "");
    if (clean === "") return this.file;
    return this.guard(`reading "${clean}"`, () => {
      let current: H5Group | H5Dataset = this.file;
      for (const part of clean.split("/")) {
        if (!(current instanceof h5wasm.Group) || !current.keys().includes(part)) return null;
        const next: unknown = current.get(part);
        if (!(next instanceof h5wasm.Group) && !(next instanceof h5wasm.Dataset)) return null;
        current = next;
      }
      return current;
    });
  }

  private attrValue(objectPath: string, name: string): unknown {
    const obj = this.get(objectPath);
    if (!obj) return null;
    return this.guard(`reading attribute "${name}"`, () => {
      const attrs = obj.attrs;
      return name in attrs ? attrs[name].value : null;
    });
  }

  /**
   * Every h5wasm call on an upload goes through here: HDF5 may open this upload's bytes and
   * nothing else, an attempt to open another file refuses the upload, and any other failure
   * means the file is damaged.
   */
  private guard<T>(what: string, fn: () => T): T {
    if (this.closed) throw new Error(`${this.fileName} was read after it was closed`);
    gate.refused = [];
    const where = what.startsWith("reading \"")
      ? what.slice("reading ".length)
      : what.startsWith("opening \"")
        ? `${what.slice("opening ".length)} is a link that`
        : `while ${what}, the file`;
    let result: T;
    try {
      result = within(this.memoryName, fn);
    } catch (error) {
      if (gate.refused.length) refuseExternal(this.fileName, where, gate.refused);
      if (error instanceof Error && error.name === "SubmissionError") throw error;
      fail("MALFORMED_HDF5", `${this.fileName} is damaged: HDF5 failed while ${what}.`, {
        location: this.fileName,
        hint: "Upload the complete file again, exactly as saved.",
      });
    }
    // HDF5 may swallow a failed open and return fill values: the attempt alone refuses the file.
    if (gate.refused.length) refuseExternal(this.fileName, where, gate.refused);
    return result;
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
// Writing (the platform's own writers and test fixtures), in memory as well.

export interface Hdf5Writer {
  root: H5Group;
  /** Creates every missing group along `groupPath` and returns the last one. */
  ensureGroup(groupPath: string): H5Group;
  writeFloats(datasetPath: string, data: Float32Array, shape: number[]): void;
  /** Finishes the file and returns its bytes. */
  finish(): Uint8Array;
}

/**
 * A new HDF5 file in memory. Writers call h5wasm directly (tests build hostile files through
 * `root`), so HDF5 may open this file for as long as it is being written.
 */
export async function createHdf5(): Promise<Hdf5Writer> {
  const module = await ensureReady();
  const fs = memfs(module);
  const memoryName = `/output-${process.pid}-${++fileCounter}.h5`;
  gate.allowed = memoryName;
  const file = new h5wasm.File(memoryName, "w");
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
      within(memoryName, () => ensureGroup(parts.join("/")).create_dataset({ name, data, shape, dtype: "<f" }));
    },
    finish() {
      try {
        within(memoryName, () => file.close());
        return within(memoryName, () => fs.readFile(memoryName));
      } finally {
        fs.unlink(memoryName);
        if (gate.allowed === memoryName) gate.allowed = null;
      }
    },
  };
}
