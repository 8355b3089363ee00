import { BlockList, isIP } from "node:net";

/**
 * The header carrying the TCP peer's address. Next's request objects do not expose the socket,
 * so web/socket-address.mjs (preloaded into the `next start` process by `holdout start`, the
 * Docker image and the test server) sets this header on every request from `req.socket`,
 * overwriting whatever a client sent under that name: clients cannot forge it.
 */
export const SOCKET_ADDRESS_HEADER = "x-holdout-socket-address";

/** Used as the address when the server runs without the preload: all requests share one bucket. */
export const UNKNOWN_ADDRESS = "unknown";

/** "::ffff:10.0.0.1" (IPv4 on an IPv6 socket) → "10.0.0.1"; lower-case IPv6; "" for garbage. */
export function normalizeAddress(text: string | null | undefined): string {
  let value = (text ?? "").trim();
  // "[2001:db8::1]:443" or "203.0.113.7:51234" as some proxies write it.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  if (mapped) value = mapped[1];
  return isIP(value) ? value.toLowerCase() : "";
}

export interface TrustedProxies {
  has(address: string): boolean;
}

/**
 * TRUSTED_PROXIES: comma-separated addresses and CIDR ranges ("10.0.0.0/8, 127.0.0.1, fd00::/8").
 * Throws on an entry that is neither, so a typo stops the server instead of trusting nobody.
 */
export function parseTrustedProxies(text: string | undefined): TrustedProxies {
  const list = new BlockList();
  let count = 0;
  for (const raw of (text ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [addressPart, prefixPart, extra] = entry.split("/");
    const address = normalizeAddress(addressPart);
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    const prefix = prefixPart === undefined ? (family === "ipv6" ? 128 : 32) : Number(prefixPart);
    if (!address || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === "ipv6" ? 128 : 32)) {
      throw new Error(`"${entry}" is not an IP address or a CIDR range like 10.0.0.0/8`);
    }
    list.addSubnet(address, prefix, family);
    count++;
  }
  return {
    has: (address) => {
      if (count === 0) return false;
      const normalized = normalizeAddress(address);
      if (!normalized) return false;
      return list.check(normalized, isIP(normalized) === 6 ? "ipv6" : "ipv4");
    },
  };
}

type HeaderSource = { get(name: string): string | null } | Record<string, unknown> | undefined | null;

function header(source: HeaderSource, name: string): string | null {
  if (!source) return null;
  if (typeof (source as { get?: unknown }).get === "function") return (source as { get(name: string): string | null }).get(name);
  const value = (source as Record<string, unknown>)[name];
  if (Array.isArray(value)) return value.join(", ");
  return typeof value === "string" ? value : null;
}

/**
 * The address a request came from, for rate limits. It is the socket's peer address, unless that
 * peer is one of the trusted proxies: then the right-most X-Forwarded-For entry that is not a
 * trusted proxy (entries left of it were written by the client and prove nothing).
 * Without the socket header (the server was started without the preload) every request gets
 * UNKNOWN_ADDRESS: limits then apply to everybody together rather than to a forgeable value.
 */
export function clientAddressFrom(headers: HeaderSource, trusted: TrustedProxies): string {
  const socket = normalizeAddress(header(headers, SOCKET_ADDRESS_HEADER));
  if (!socket) return UNKNOWN_ADDRESS;
  if (!trusted.has(socket)) return socket;
  const chain = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) {
    const address = normalizeAddress(chain[i]);
    // Garbage where an address should be: whoever wrote it is not a proxy we trust.
    if (!address) return `invalid:${chain[i].slice(0, 64)}`;
    if (!trusted.has(address)) return address;
  }
  // Every hop is trusted (a request from inside the proxy tier): the left-most one is the client.
  return normalizeAddress(chain[0]) || socket;
}
