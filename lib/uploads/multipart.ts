import busboy from "busboy";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { AppError } from "@/lib/errors";

/**
 * Streaming multipart/form-data parsing for uploads. Every limit is checked while the bytes
 * arrive, so an oversize upload is refused (413) as soon as it crosses a limit: the rest of it is
 * never read, let alone buffered.
 */
export interface UploadLimits {
  /** All files of one upload together. */
  maxTotalBytes: number;
  /** Any one file. */
  maxFileBytes: number;
  maxFiles: number;
  /** Longest text field (trainingSettings is the big one). */
  maxFieldBytes: number;
  maxFields: number;
}

export interface UploadedFilePart {
  /** The base name of the uploaded file (folders stripped). */
  name: string;
  data: Uint8Array;
}

export interface MultipartResult {
  fields: Record<string, string>;
  files: UploadedFilePart[];
}

export interface MultipartOptions {
  limits: UploadLimits;
  /** Text fields accepted; anything else is refused with a list of these. */
  fieldNames: readonly string[];
  /** The part name file parts must use. */
  fileField: string;
  /** What to do about an upload over a limit (default: advice for model uploads). */
  tooLargeAdvice?: string;
}

/** Part headers and boundaries, on top of the files' own bytes. */
const FRAMING_ALLOWANCE = 256 * 1024;

export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/**
 * Keeps only the base name of an uploaded file ("C:\\work\\model.h5" -> "model.h5"). Names with
 * NUL or other control characters are refused rather than cleaned, since they are never accidental.
 */
export function sanitizeFileName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    throw new AppError("BAD_REQUEST", `The file name ${JSON.stringify(raw)} contains control characters. Rename the file (letters, digits, dots, dashes) and upload it again.`);
  }
  const base = raw.split(/[\\/]/).pop()?.trim() ?? "";
  if (!base || base === "." || base === "..") {
    throw new AppError("BAD_REQUEST", `The file name ${JSON.stringify(raw)} has no usable base name. Give the file a proper name, e.g. model.keras, and upload it again.`);
  }
  if (base.length > 255) throw new AppError("BAD_REQUEST", "A file name is over 255 characters. Rename the file to something shorter and upload it again.");
  return base;
}

/** The request-like thing parsed: a Fetch API Request, or just its headers and body. */
export interface UploadSource {
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
}

export function parseMultipart(source: UploadSource, options: MultipartOptions): Promise<MultipartResult> {
  const { limits, fieldNames, fileField } = options;
  const contentType = source.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    return Promise.reject(
      new AppError("BAD_REQUEST", `Send the upload as multipart/form-data with the files in parts named "${fileField}" (curl -F "${fileField}=@model.keras"; Python requests: files=[("${fileField}", open("model.keras", "rb"))]).`),
    );
  }
  const tooLarge = (what: string) =>
    new AppError(
      "PAYLOAD_TOO_LARGE",
      `${what} ${options.tooLargeAdvice ?? "Upload a smaller model (fewer parameters, or saved without the optimizer state), or ask your instructor whether the limit can be raised."}`,
      { maxTotalBytes: limits.maxTotalBytes, maxFileBytes: limits.maxFileBytes, maxFiles: limits.maxFiles },
    );
  const totalMessage = `The upload is over the ${formatMegabytes(limits.maxTotalBytes)} limit for all files together.`;
  const declared = Number(source.headers.get("content-length") ?? NaN);
  // A declared length over the limit is refused before a byte of the body is read.
  if (Number.isFinite(declared) && declared > limits.maxTotalBytes + FRAMING_ALLOWANCE) return Promise.reject(tooLarge(totalMessage));
  if (!source.body) return Promise.reject(new AppError("BAD_REQUEST", `The upload is empty. Attach the model files as parts named "${fileField}".`));

  return new Promise<MultipartResult>((resolve, reject) => {
    const input = Readable.fromWeb(source.body as unknown as NodeWebReadableStream<Uint8Array>);
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": contentType },
        preservePath: true,
        defParamCharset: "utf8",
        limits: {
          fileSize: limits.maxFileBytes,
          files: limits.maxFiles,
          fields: limits.maxFields,
          fieldSize: limits.maxFieldBytes,
          parts: limits.maxFiles + limits.maxFields,
        },
      });
    } catch (error) {
      reject(new AppError("BAD_REQUEST", `The upload's Content-Type is not usable multipart/form-data (${(error as Error).message}). Let your HTTP client build it (curl -F, requests' files=).`));
      return;
    }

    const fields: Record<string, string> = {};
    const files: UploadedFilePart[] = [];
    const names = new Set<string>();
    let settled = false;
    let rawBytes = 0;
    let fileBytes = 0;
    let parserClosed = false;
    let openFiles = 0;

    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      // Stop reading: the remaining bytes are not wanted. Pausing (rather than destroying) the
      // request lets the server still send the 413 on the same connection. The parser is not
      // destroyed here (it may be mid-write, calling us); it gets no more input, and every
      // handler ignores what it still emits, so it is simply dropped.
      input.off("data", onData);
      input.pause();
      reject(error);
    };
    const finishIfDone = () => {
      if (settled || !parserClosed || openFiles > 0) return;
      settled = true;
      resolve({ fields, files });
    };

    parser.on("file", (name, stream, info) => {
      if (settled) return stream.resume();
      if (name !== fileField) {
        stream.resume();
        return fail(new AppError("BAD_REQUEST", `Got a file in a part named "${name}". Send every file in a part named "${fileField}" (e.g. curl -F "${fileField}=@model.keras").`));
      }
      const rawName = info.filename ?? "";
      let fileName: string;
      if (rawName === "") {
        // Browsers send an empty, nameless part for a file input left empty: skip it.
        stream.resume();
        return;
      }
      try {
        fileName = sanitizeFileName(rawName);
      } catch (error) {
        stream.resume();
        return fail(error as AppError);
      }
      if (names.has(fileName)) {
        stream.resume();
        return fail(new AppError("BAD_REQUEST", `Two files are named "${fileName}". Upload each file once (folders are dropped from names, so rename one of them).`));
      }
      names.add(fileName);
      openFiles++;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => {
        if (settled) return;
        fileBytes += chunk.length;
        if (fileBytes > limits.maxTotalBytes) return fail(tooLarge(totalMessage));
        chunks.push(chunk);
      });
      stream.on("limit", () => fail(tooLarge(`The file "${fileName}" is over the ${formatMegabytes(limits.maxFileBytes)} limit for one file.`)));
      stream.on("error", () => fail(new AppError("BAD_REQUEST", `The upload of "${fileName}" broke off. Upload it again.`)));
      stream.on("end", () => {
        openFiles--;
        if (settled) return;
        const data = Buffer.concat(chunks);
        files.push({ name: fileName, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
        finishIfDone();
      });
    });

    parser.on("field", (name, value, info) => {
      if (settled) return;
      if (!fieldNames.includes(name)) {
        return fail(new AppError("BAD_REQUEST", `Unknown field "${name}". The fields are ${fieldNames.map((field) => `"${field}"`).join(", ")}, and files go in parts named "${fileField}".`));
      }
      if (info.valueTruncated) {
        return fail(new AppError("PAYLOAD_TOO_LARGE", `The field "${name}" is over ${Math.round(limits.maxFieldBytes / 1024)} KB. Shorten it and upload again.`));
      }
      if (name in fields) return fail(new AppError("BAD_REQUEST", `The field "${name}" was sent twice. Send it once.`));
      fields[name] = value;
    });

    parser.on("filesLimit", () => fail(tooLarge(`The upload has more than ${limits.maxFiles} files.`)));
    parser.on("fieldsLimit", () => fail(new AppError("BAD_REQUEST", `The upload has more than ${limits.maxFields} text fields. Send only ${fieldNames.join(", ")}.`)));
    parser.on("partsLimit", () => fail(tooLarge(`The upload has more than ${limits.maxFiles + limits.maxFields} parts.`)));
    parser.on("error", (error: Error) =>
      fail(
        new AppError(
          "BAD_REQUEST",
          `The upload is not valid multipart/form-data (${error.message}). If a file name contains control characters, rename the file; otherwise let your HTTP client build the body (curl -F, requests' files=) and try again.`,
        ),
      ),
    );
    parser.on("close", () => {
      parserClosed = true;
      finishIfDone();
    });

    function onData(chunk: Buffer) {
      if (settled) return;
      rawBytes += chunk.length;
      if (rawBytes > limits.maxTotalBytes + FRAMING_ALLOWANCE) return fail(tooLarge(totalMessage));
      if (!parser.write(chunk)) {
        input.pause();
        parser.once("drain", () => {
          if (!settled) input.resume();
        });
      }
    }
    input.on("data", onData);
    input.on("end", () => {
      if (!settled) parser.end();
    });
    input.on("error", () => fail(new AppError("BAD_REQUEST", "The upload broke off before it was complete. Check your connection and upload again.")));
  });
}
