import { fail } from "./errors";

/**
 * Parses JSON from a submission. Two guards before JSON.parse: the nesting depth (a document
 * like `[[[[...]]]]` nested 100k deep would overflow the stack of every recursive walker
 * later on) and a clear message with line and column when the text is not JSON.
 */
export function parseJsonSafely(text: string, opts: { where: string; maxDepth: number; hint?: string }): unknown {
  const depth = maxNestingDepth(text, opts.maxDepth);
  if (depth > opts.maxDepth) {
    fail("JSON_TOO_DEEP", `${opts.where} nests objects/arrays more than ${opts.maxDepth} levels deep; a model file never needs that.`, {
      location: opts.where,
      hint: "Upload the file exactly as Keras or TensorFlow.js saved it.",
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(detail);
    const where = position ? ` (${lineAndColumn(text, Number(position[1]))})` : "";
    fail("MALFORMED_JSON", `${opts.where} is not valid JSON${where}: ${detail}.`, {
      location: opts.where,
      hint: opts.hint ?? "The file may be truncated or edited by hand; save it again from Keras or TensorFlow.js.",
    });
  }
}

/** Bytes -> text, refusing bytes that are not UTF-8 (e.g. a binary file named .json). */
export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    fail("MALFORMED_JSON", `${where} is not a text (UTF-8) file.`, { location: where, hint: "Upload the JSON file that Keras or TensorFlow.js wrote." });
  }
}

/** Deepest bracket nesting outside strings; stops counting once past `stopAfter`. */
function maxNestingDepth(text: string, stopAfter: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAfter) return max;
      }
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) depth--;
  }
  return max;
}

function lineAndColumn(text: string, position: number): string {
  let line = 1;
  let lastNewline = -1;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lastNewline = i;
    }
  }
  return `line ${line}, column ${position - lastNewline}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
