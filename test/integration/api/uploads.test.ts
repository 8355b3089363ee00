import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { notebookSnippet } from "@/lib/tokens/notebook-snippet";
import { parseMultipart, sanitizeFileName, type UploadLimits } from "@/lib/uploads/multipart";
import { parseSubmissionUpload, submissionUploadLimits } from "@/lib/uploads/submission-upload";
import { ENDPOINTS } from "@/web/api/endpoints";
import { REPO_ROOT } from "./helpers";

const LIMITS: UploadLimits = { maxTotalBytes: 1000, maxFileBytes: 600, maxFiles: 3, maxFieldBytes: 100, maxFields: 4 };
const OPTIONS = { limits: LIMITS, fieldNames: ["kind", "note"], fileField: "files" };

function formRequest(form: FormData): Request {
  return new Request("http://localhost/upload", { method: "POST", body: form });
}

function fileForm(files: Array<[string, number | string]>, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, content] of files) form.append("files", new Blob([typeof content === "number" ? new Uint8Array(content).fill(1) : content]), name);
  return form;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

/** A body that counts what was pulled from it: proves a refusal came before the rest was read. */
function countingBody(head: string, fillerBytes: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  let sentHead = false;
  const chunk = new Uint8Array(16 * 1024).fill(65);
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!sentHead) {
          sentHead = true;
          controller.enqueue(new TextEncoder().encode(head));
          return;
        }
        if (pulled >= fillerBytes) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { body, pulled: () => pulled };
}

describe("parseMultipart", () => {
  it("returns the fields and the files, keeping base names", async () => {
    const result = await parseMultipart(formRequest(fileForm([["dir/sub/model.h5", "abc"], ["C:\\x\\history.json", "{}"]], { kind: "weights", note: "hi" })), OPTIONS);
    expect(result.fields).toEqual({ kind: "weights", note: "hi" });
    expect(result.files.map((file) => [file.name, new TextDecoder().decode(file.data)])).toEqual([
      ["model.h5", "abc"],
      ["history.json", "{}"],
    ]);
  });

  it("answers 413 for one file over the per-file limit, too many files, or too much in total", async () => {
    const oneFile = await rejection(parseMultipart(formRequest(fileForm([["a.h5", 601]])), OPTIONS));
    expect(oneFile.code).toBe("PAYLOAD_TOO_LARGE");
    expect(oneFile.message).toContain('"a.h5"');
    const count = await rejection(parseMultipart(formRequest(fileForm([["a", 1], ["b", 1], ["c", 1], ["d", 1]])), OPTIONS));
    expect(count.code).toBe("PAYLOAD_TOO_LARGE");
    expect(count.message).toContain("more than 3 files");
    const total = await rejection(parseMultipart(formRequest(fileForm([["a", 500], ["b", 501]])), OPTIONS));
    expect(total.code).toBe("PAYLOAD_TOO_LARGE");
    expect(total.message).toContain("for all files together");
  });

  it("refuses an oversize body by its declared length without reading any of it", async () => {
    const { body, pulled } = countingBody("", 10_000_000);
    const headers = new Headers({ "content-type": "multipart/form-data; boundary=x", "content-length": String(10_000_000) });
    const error = await rejection(parseMultipart({ headers, body }, { ...OPTIONS, limits: { ...LIMITS, maxTotalBytes: 1000 } }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(pulled()).toBe(0);
  });

  it("stops reading a streamed body as soon as it crosses the limit", async () => {
    const head = '--x\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\n\r\n';
    const { body, pulled } = countingBody(head, 50 * 1024 * 1024);
    const headers = new Headers({ "content-type": "multipart/form-data; boundary=x" });
    const limits = { ...LIMITS, maxTotalBytes: 1024 * 1024, maxFileBytes: 1024 * 1024 };
    const error = await rejection(parseMultipart({ headers, body }, { ...OPTIONS, limits }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(pulled()).toBeLessThan(2 * 1024 * 1024);
  });

  it("answers 400 for a body that is not multipart, unknown fields, repeated fields and files in other parts", async () => {
    const json = new Request("http://localhost/upload", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect((await rejection(parseMultipart(json, OPTIONS))).message).toContain("multipart/form-data");
    expect((await rejection(parseMultipart(formRequest(fileForm([], { colour: "red" })), OPTIONS))).message).toContain('Unknown field "colour"');
    const twice = new FormData();
    twice.append("kind", "a");
    twice.append("kind", "b");
    expect((await rejection(parseMultipart(formRequest(twice), OPTIONS))).message).toContain("sent twice");
    const wrongPart = new FormData();
    wrongPart.append("model", new Blob(["x"]), "m.h5");
    expect((await rejection(parseMultipart(formRequest(wrongPart), OPTIONS))).message).toContain('named "files"');
  });

  it("answers 413 for an over-long text field", async () => {
    const error = await rejection(parseMultipart(formRequest(fileForm([], { note: "x".repeat(101) })), OPTIONS));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toContain('"note"');
  });

  it("skips the empty part a browser sends for an empty file input", async () => {
    const form = new FormData();
    form.append("files", new Blob([]), "");
    form.append("files", new Blob(["abc"]), "model.h5");
    const result = await parseMultipart(formRequest(form), OPTIONS);
    expect(result.files.map((file) => file.name)).toEqual(["model.h5"]);
  });
});

describe("sanitizeFileName", () => {
  it("keeps the base name and refuses control characters and empty names", () => {
    expect(sanitizeFileName("../../etc/passwd")).toBe("passwd");
    expect(sanitizeFileName("C:\\Users\\ada\\model.keras")).toBe("model.keras");
    expect(sanitizeFileName("модель.h5")).toBe("модель.h5");
    for (const bad of ["a\u0000b.h5", "a\nb.h5", "a\u007fb", "dir/", "..", "x/.", ""]) {
      expect(() => sanitizeFileName(bad), JSON.stringify(bad)).toThrow(AppError);
    }
  });
});

describe("parseSubmissionUpload", () => {
  it("checks trainingSettings JSON (kept as sent, for the sandboxed check to parse) and drops empty fields", async () => {
    const form = fileForm([["architecture.json", "{}"]], { kind: "definition", preprocessing: "", trainingSettings: '{"epochs":3}', note: "" });
    const result = await parseSubmissionUpload(formRequest(form), submissionUploadLimits(1));
    expect(result.fields).toEqual({ kind: "definition", trainingSettings: '{"epochs":3}' });
  });

  it("says what to send for no files or settings that are not JSON", async () => {
    expect((await rejection(parseSubmissionUpload(formRequest(fileForm([], { kind: "weights" })), submissionUploadLimits(1)))).message).toContain("No files");
    const bad = fileForm([["a.json", "{}"]], { trainingSettings: "{epochs: 3}" });
    expect((await rejection(parseSubmissionUpload(formRequest(bad), submissionUploadLimits(1)))).message).toContain("not valid JSON");
  });

  it("takes the smaller of the server's and the competition's upload limit", () => {
    expect(submissionUploadLimits(200).maxTotalBytes).toBe(200 * 1024 * 1024);
    expect(submissionUploadLimits(200, 5 * 1024 * 1024).maxTotalBytes).toBe(5 * 1024 * 1024);
    expect(submissionUploadLimits(2, 5 * 1024 * 1024).maxTotalBytes).toBe(2 * 1024 * 1024);
    expect(submissionUploadLimits(2, "lots").maxTotalBytes).toBe(2 * 1024 * 1024);
  });
});

describe("notebookSnippet", () => {
  it("is a Python cell that saves the Keras model and history, posts them with the token from the environment, and polls", () => {
    const cell = notebookSnippet({ baseUrl: "https://holdout.example.edu/", slug: "mnist" });
    expect(cell).toContain('HOLDOUT_URL = "https://holdout.example.edu"\n');
    expect(cell).toContain('COMPETITION = "mnist"');
    expect(cell).toContain('model.save("model.keras")');
    expect(cell).toContain("json.dump(history.history, f, default=float)");
    expect(cell).toContain('os.environ["HOLDOUT_TOKEN"]');
    expect(cell).toContain('files=[("files", ("model.keras", model_file)), ("files", ("history.json", history_file))]');
    expect(cell).toContain('f"{HOLDOUT_URL}/api/v1/competitions/{COMPETITION}/submissions"');
    expect(cell).toContain('f"{HOLDOUT_URL}/api/v1/submissions/{submission_id}"');
    expect(cell).toContain('"preprocessing": "1/255"');
    expect(cell).not.toMatch(/hdt_[A-Za-z0-9_-]{10}/);
  });

  it("quotes values safely for Python", () => {
    const cell = notebookSnippet({ baseUrl: "https://h.example", slug: 'we"ird', preprocessing: "raw" });
    expect(cell).toContain('COMPETITION = "we\\"ird"');
    expect(cell).toContain('"preprocessing": "raw"');
  });
});

describe("API documentation", () => {
  function routes(dir: string): string[] {
    const found: string[] = [];
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) found.push(...routes(full));
      else if (entry === "route.ts") found.push(path.relative(path.join(REPO_ROOT, "app"), dir));
    }
    return found;
  }

  it("lists every /api/v1 route on /api/docs and in docs/api.md", () => {
    const documented = ENDPOINTS.map((endpoint) => endpoint.path.replace(/\{(\w+)\}\.png$/, "[image]").replace(/\{(\w+)\}/g, "[$1]").replace(/^\//, ""));
    const markdown = readFileSync(path.join(REPO_ROOT, "docs/api.md"), "utf8");
    for (const route of routes(path.join(REPO_ROOT, "app/api/v1"))) {
      expect(documented, route).toContain(route.replaceAll(path.sep, "/"));
    }
    for (const endpoint of ENDPOINTS) expect(markdown, endpoint.path).toContain(`${endpoint.method} ${endpoint.path}`);
  });
});
