/**
 * The browser-side defences every response carries: a Content-Security-Policy with a fresh
 * nonce per page (Next.js puts it on its own scripts; 'strict-dynamic' lets those load their
 * chunks, and nothing else runs), no framing by other sites (clickjacking), no MIME sniffing.
 * No Next.js imports here: proxy.ts and next.config.ts use it, the tests read it.
 */

/** Where the browser may be sent by a form post: next-auth's OAuth sign-in goes through these. */
const OAUTH_ORIGINS: Record<string, string[]> = {
  GITHUB_ID: ["https://github.com"],
  GOOGLE_ID: ["https://accounts.google.com"],
};

export function contentSecurityPolicy(nonce: string, options: { development: boolean; env?: Record<string, string | undefined> }): string {
  const env = options.env ?? process.env;
  const formTargets = Object.entries(OAUTH_ORIGINS).flatMap(([variable, origins]) => (env[variable] ? origins : []));
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // React's development build evaluates source maps and hot updates.
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(options.development ? ["'unsafe-eval'"] : [])],
    // Charts and progress bars set style attributes; styles cannot run code.
    "style-src": ["'self'", "'unsafe-inline'"],
    // Test-set previews and the misclassified gallery are PNG data or same-origin images.
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...(options.development ? ["ws:"] : [])],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'", ...formTargets],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join("; ");
}

/** Headers that do not change per request (next.config.ts sends them on every route and file). */
export const STATIC_SECURITY_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

/** API answers are data, never pages: nothing in them may run, load or be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
