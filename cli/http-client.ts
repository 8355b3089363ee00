import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import path from "node:path";

/**
 * The client side of the API, for `holdout submit` / `holdout leaderboard`: a streamed multipart
 * upload with byte-level progress (files are read from disk as they are sent, never held whole
 * in memory) and small JSON requests. Plain Node, no Next.
 */
export type FormPart = { name: string; value: string } | { name: string; filePath: string };

export interface ApiResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
  /** The raw text when the body was not JSON (e.g. a proxy's HTML error page). */
  text: string;
}

export class ApiClientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "ApiClientError";
  }
}

function quoted(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\r\n\u0000]/.test(value)) throw new ApiClientError(`The name ${JSON.stringify(value)} contains a line break or NUL; rename it.`);
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

interface PreparedPart {
  head: Buffer;
  filePath?: string;
  size: number;
}

/** Lays out the body up front so its length is known: the server can refuse an oversize upload before it starts. */
export async function prepareMultipart(parts: FormPart[], boundary = `----holdout${randomBytes(12).toString("hex")}`) {
  const prepared: PreparedPart[] = [];
  for (const part of parts) {
    if ("value" in part) {
      const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=${quoted(part.name)}\r\n\r\n${part.value}\r\n`, "utf8");
      prepared.push({ head, size: 0 });
    } else {
      let size: number;
      try {
        const info = await stat(part.filePath);
        if (!info.isFile()) throw new Error("not a regular file");
        size = info.size;
      } catch (error) {
        throw new ApiClientError(`Cannot read ${part.filePath}: ${(error as Error).message}. Check the path.`);
      }
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(part.name)}; filename=${quoted(path.basename(part.filePath))}\r\nContent-Type: application/octet-stream\r\n\r\n`,
        "utf8",
      );
      prepared.push({ head, filePath: part.filePath, size });
    }
  }
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const crlf = Buffer.from("\r\n");
  const contentLength = prepared.reduce((sum, part) => sum + part.head.length + (part.filePath ? part.size + crlf.length : 0), 0) + tail.length;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const part of prepared) {
      yield part.head;
      if (part.filePath) {
        for await (const chunk of createReadStream(part.filePath, { highWaterMark: 256 * 1024 })) yield chunk as Buffer;
        yield crlf;
      }
    }
    yield tail;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, contentLength, chunks };
}

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function transport(url: URL) {
  if (url.protocol === "https:") return https;
  if (url.protocol === "http:") return http;
  throw new ApiClientError(`The URL ${url.href} is not http(s). Give the site's address, e.g. https://holdout.example.edu.`);
}

/**
 * How long a silent server is tolerated, in seconds: HOLDOUT_TIMEOUT, default 30. A GET waits
 * this long per attempt; an upload this long for any progress while sending, then ten times as
 * long for the answer (the server checks the model before it answers).
 */
export function requestTimeoutSeconds(): number {
  const configured = Number(process.env.HOLDOUT_TIMEOUT);
  return Number.isFinite(configured) && configured > 0 ? configured : 30;
}

/** A request that got no answer in time; the message says where and what to check. */
export class RequestTimeoutError extends ApiClientError {
  constructor(url: URL, seconds: number, what = "") {
    super(`no answer from ${url.origin} within ${seconds} s${what}: is the server running? Check --url / HOLDOUT_URL, or set HOLDOUT_TIMEOUT (seconds) to wait longer.`);
    this.name = "RequestTimeoutError";
  }
}

function connectionError(url: URL, error: Error): ApiClientError {
  if (error instanceof ApiClientError) return error;
  return new ApiClientError(`Could not reach ${url.origin} (${(error as NodeJS.ErrnoException).code ?? error.message}). Check --url / HOLDOUT_URL and your connection.`);
}

/**
 * POSTs (or PUTs) a multipart body, streaming the files, calling onProgress(sent, total) as bytes go out.
 * A response that arrives before the body is done (a 413 or 401 answered early) stops the upload
 * and is returned like any other.
 */
export async function uploadMultipart(
  target: string,
  options: { token: string; parts: FormPart[]; onProgress?: (sent: number, total: number) => void; method?: "POST" | "PUT"; timeoutSeconds?: number },
): Promise<ApiResponse> {
  const url = new URL(target);
  const body = await prepareMultipart(options.parts);
  const lib = transport(url);
  const seconds = options.timeoutSeconds ?? requestTimeoutSeconds();
  return new Promise<ApiResponse>((resolve, reject) => {
    let answered = false;
    let sent = 0;
    const request = lib.request(url, {
      method: options.method ?? "POST",
      headers: {
        Authorization: `Bearer ${options.token}`,
        Accept: "application/json",
        "Content-Type": body.contentType,
        "Content-Length": String(body.contentLength),
      },
    });
    // Silence (connecting, a stalled upload, a server that never answers, an answer that stops):
    // `seconds` while sending, ten times that for the answer once the whole body is out.
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, what: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const error = new RequestTimeoutError(url, ms / 1000, what);
        request.destroy(error);
        reject(error);
      }, ms);
    };
    arm(seconds * 1000, "");
    request.on("close", () => clearTimeout(timer));
    request.on("response", (response) => {
      answered = true;
      arm(seconds * 1000, " (the answer stopped midway)");
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
        arm(seconds * 1000, " (the answer stopped midway)");
      });
      response.on("end", () => clearTimeout(timer));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parseBody(text), text }));
      response.on("error", (error) => reject(connectionError(url, error)));
    });
    request.on("error", (error) => {
      // Once the server has answered, a broken pipe just means it stopped reading the upload.
      if (!answered) reject(connectionError(url, error));
    });
    (async () => {
      for await (const chunk of body.chunks()) {
        if (answered || request.destroyed) return;
        if (!request.write(chunk)) {
          await new Promise<void>((resume) => {
            const done = () => {
              request.off("drain", done);
              request.off("close", done);
              request.off("response", done);
              resume();
            };
            request.on("drain", done);
            request.on("close", done);
            request.on("response", done);
          });
        }
        sent += chunk.length;
        arm(seconds * 1000, "");
        options.onProgress?.(sent, body.contentLength);
      }
      if (!answered && !request.destroyed)
        request.end(() => {
          if (!answered) arm(seconds * 10_000, " after the upload was sent");
        });
    })().catch((error: Error) => {
      request.destroy();
      reject(error instanceof ApiClientError ? error : new ApiClientError(`Reading the files failed: ${error.message}`));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers worth asking again: a proxy or a restarting server. */
const RETRY_STATUSES = new Set([502, 503, 504]);

/**
 * A GET with the token; JSON or text body. Each attempt gets `timeoutSeconds` (HOLDOUT_TIMEOUT,
 * default 30) for the whole answer; a GET changes nothing, so a timeout, a refused or dropped
 * connection or a 502/503/504 is tried again, `retries` times (default 2) after 0.5 s, then 1.5 s.
 */
export async function apiGet(target: string, token: string, options: { timeoutSeconds?: number; retries?: number } = {}): Promise<ApiResponse> {
  const url = new URL(target);
  transport(url);
  const seconds = options.timeoutSeconds ?? requestTimeoutSeconds();
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" }, signal: AbortSignal.timeout(seconds * 1000) });
      text = await response.text();
    } catch (error) {
      const failure =
        (error as Error).name === "TimeoutError" ? new RequestTimeoutError(url, seconds, attempt > 0 ? ` (tried ${attempt + 1} times)` : "") : connectionError(url, ((error as Error).cause as Error) ?? (error as Error));
      if (attempt >= retries) throw failure;
      await sleep(500 * 3 ** attempt);
      continue;
    }
    if (RETRY_STATUSES.has(response.status) && attempt < retries) {
      await sleep(500 * 3 ** attempt);
      continue;
    }
    const headers: http.IncomingHttpHeaders = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    return { status: response.status, headers, body: parseBody(text), text };
  }
}

/** The message of an API error response, with the list of problems for a 422. */
export function errorMessage(response: ApiResponse): string {
  const body = response.body as { message?: unknown; errors?: unknown } | null;
  const message = typeof body?.message === "string" ? body.message : `The server answered ${response.status}${response.text ? `: ${response.text.slice(0, 200)}` : ""}.`;
  const errors = Array.isArray(body?.errors) ? body.errors.filter((item): item is string => typeof item === "string") : [];
  if (errors.length === 0 || errors.join("\n") === message) return message;
  return `${message}\n${errors.map((item) => `  - ${item}`).join("\n")}`;
}
