/**
 * A redirect target taken from a request (?callbackUrl=...), reduced to a path on this site, or
 * the fallback. Refused: absolute URLs (http://evil), protocol-relative ones (//evil), backslash
 * tricks browsers read as slashes (/\evil), control characters, and the same in percent-encoded
 * form (/%2F%2Fevil, %2F%5Cevil), decoded up to three times.
 */
export function safeRedirectPath(value: unknown, fallback = "/courses"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return fallback;
  let decoded = value;
  for (let round = 0; round < 4; round++) {
    if (!isPlainPath(decoded)) return fallback;
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) break;
    decoded = next;
    if (round === 3) return fallback;
  }
  const base = "http://holdout.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

function isPlainPath(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(text)) return false;
  return text.startsWith("/") && !text.startsWith("//");
}

/** For next-auth's redirect callback: a same-origin absolute URL or path, as an absolute URL on baseUrl. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  let candidate = url;
  if (!url.startsWith("/")) {
    try {
      const parsed = new URL(url);
      if (parsed.origin !== new URL(baseUrl).origin) return baseUrl;
      candidate = `${parsed.pathname}${parsed.search}${parsed.hash}`;
    } catch {
      return baseUrl;
    }
  }
  const path = safeRedirectPath(candidate, "");
  return path ? `${baseUrl.replace(/\/$/, "")}${path}` : baseUrl;
}
