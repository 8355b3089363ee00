import { describe, expect, it } from "vitest";
import { clientAddressFrom, normalizeAddress, parseTrustedProxies, SOCKET_ADDRESS_HEADER, UNKNOWN_ADDRESS } from "@/lib/accounts/client-address";
import { safeRedirectPath, safeRedirectUrl } from "@/lib/accounts/redirect";
import { DEFAULT_DEMO_PASSWORD, isLoopbackHost, planDemoAccounts } from "@/lib/demo/seed";
import { parseEnv } from "@/lib/env";

const request = (socket: string | undefined, forwarded?: string) => new Headers({ ...(socket !== undefined ? { [SOCKET_ADDRESS_HEADER]: socket } : {}), ...(forwarded ? { "x-forwarded-for": forwarded } : {}) });

describe("client address", () => {
  it("is the socket's address; X-Forwarded-For is ignored without TRUSTED_PROXIES", () => {
    const none = parseTrustedProxies(undefined);
    expect(clientAddressFrom(request("203.0.113.5", "1.2.3.4"), none)).toBe("203.0.113.5");
    expect(clientAddressFrom(request("::ffff:203.0.113.5", "1.2.3.4"), none)).toBe("203.0.113.5");
    // A proxy we were not told about is just a client.
    expect(clientAddressFrom(request("10.0.0.2", "1.2.3.4"), parseTrustedProxies("10.0.0.1"))).toBe("10.0.0.2");
    // Without the preload's header: one shared bucket, never a client-chosen value.
    expect(clientAddressFrom(request(undefined, "1.2.3.4"), none)).toBe(UNKNOWN_ADDRESS);
  });

  it("through a trusted proxy, is the right-most X-Forwarded-For entry that is not a trusted proxy", () => {
    const trusted = parseTrustedProxies("10.0.0.0/8, 127.0.0.1, fd00::/8");
    expect(clientAddressFrom(request("127.0.0.1", "198.51.100.7"), trusted)).toBe("198.51.100.7");
    // The client forged entries on the left; the proxies appended the real one and their own.
    expect(clientAddressFrom(request("10.0.0.1", "1.1.1.1, 2.2.2.2, 198.51.100.7, 10.0.0.9"), trusted)).toBe("198.51.100.7");
    expect(clientAddressFrom(request("::ffff:10.1.2.3", "2001:DB8::1"), trusted)).toBe("2001:db8::1");
    expect(clientAddressFrom(request("fd00::1", "[2001:db8::2]:4431"), trusted)).toBe("2001:db8::2");
    expect(clientAddressFrom(request("127.0.0.1", "1.1.1.1, not-an-address"), trusted)).toBe("invalid:not-an-address");
    expect(clientAddressFrom(request("127.0.0.1", "10.0.0.4, 10.0.0.5"), trusted)).toBe("10.0.0.4");
    expect(clientAddressFrom(request("127.0.0.1"), trusted)).toBe("127.0.0.1");
    // next-auth hands authorize the headers as a plain object.
    expect(clientAddressFrom({ [SOCKET_ADDRESS_HEADER]: "127.0.0.1", "x-forwarded-for": "198.51.100.8" }, trusted)).toBe("198.51.100.8");
  });

  it("TRUSTED_PROXIES refuses entries that are not addresses or ranges", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/not an IP address/);
    expect(() => parseTrustedProxies("proxy.example.edu")).toThrow(/not an IP address/);
    expect(() => parseEnv({ TRUSTED_PROXIES: "10.0.0.1, nope" })).toThrow(/TRUSTED_PROXIES/);
    expect(parseEnv({ TRUSTED_PROXIES: "10.0.0.1, 192.168.0.0/16" }).TRUSTED_PROXIES).toBe("10.0.0.1, 192.168.0.0/16");
    expect(normalizeAddress("203.0.113.9:5050")).toBe("203.0.113.9");
    expect(normalizeAddress("garbage")).toBe("");
  });
});

describe("redirect targets from requests", () => {
  it("keep same-origin paths only", () => {
    expect(safeRedirectPath("/c/mnist/submissions?x=1#top")).toBe("/c/mnist/submissions?x=1#top");
    for (const evil of ["//evil.example", "/\\evil.example", "\\\\evil.example", "http://evil.example", "https:evil.example", "javascript:alert(1)", "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%5Cevil.example", "/%252F%252Fevil.example", "/\t/evil.example", " //evil.example", "", undefined, ["/ok"]]) {
      expect(safeRedirectPath(evil, "/courses"), String(evil)).toBe("/courses");
    }
    expect(safeRedirectUrl("/courses", "http://localhost:3000")).toBe("http://localhost:3000/courses");
    expect(safeRedirectUrl("http://localhost:3000/account", "http://localhost:3000")).toBe("http://localhost:3000/account");
    expect(safeRedirectUrl("http://evil.example/account", "http://localhost:3000")).toBe("http://localhost:3000");
    expect(safeRedirectUrl("//evil.example", "http://localhost:3000")).toBe("http://localhost:3000");
  });
});

describe("demo accounts", () => {
  it("get the published password only on loopback", () => {
    expect(["127.0.0.1", "localhost", "::1", "[::1]", "127.0.1.1"].every(isLoopbackHost)).toBe(true);
    expect(["0.0.0.0", "::", "192.168.1.10", "example.edu"].some(isLoopbackHost)).toBe(false);
    expect(planDemoAccounts("127.0.0.1", undefined)).toEqual({ seed: true, password: DEFAULT_DEMO_PASSWORD, mustChangePassword: false });
    expect(planDemoAccounts("0.0.0.0", undefined)).toMatchObject({ seed: false });
    expect(planDemoAccounts("0.0.0.0", DEFAULT_DEMO_PASSWORD)).toMatchObject({ seed: false });
    expect(planDemoAccounts("0.0.0.0", "operator chosen")).toEqual({ seed: true, password: "operator chosen", mustChangePassword: true });
  });
});
