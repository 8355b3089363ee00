import { AppError } from "@/lib/errors";

/** A request body as text, refused (413) past `maxBytes` while it streams in, before it is all read. */
export async function readTextBody(request: Request, maxBytes: number, what: string): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `The ${what} is larger than ${Math.round(maxBytes / 1024)} KB. Send less at once.`);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A JSON object body (up to 256 KB); a clear 400 for anything else. */
export async function readJsonObject(request: Request, maxBytes = 256 * 1024): Promise<Record<string, unknown>> {
  const text = await readTextBody(request, maxBytes, "request body");
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body is not valid JSON. Send a JSON object with Content-Type: application/json.");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new AppError("BAD_REQUEST", "Send a JSON object as the request body.");
  return value as Record<string, unknown>;
}
