/**
 * Account safety through the real server (`next start` with the socket-address preload, as
 * `holdout start` runs it): sessions end when the password changes or is reset, a forced password
 * change is enforced, redirect targets stay on the site, and sign-in limits key on the socket
 * address (X-Forwarded-For only through a trusted proxy). Nothing here depends on timing: limits
 * are fixed windows of 15 minutes and every assertion is on counts.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword, createInstructor } from "@/lib/accounts/accounts";
import { hashPassword } from "@/lib/accounts/password";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";

let database: TestDatabase;
let server: TestServer;
/** The test server trusts 127.0.0.2 as a proxy; requests from 127.0.0.1 are direct clients. */
const PROXY = "127.0.0.2";
const ADDRESS_LIMIT = 5;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  server = await startTestServer({
    databaseUrl: database.url,
    env: { TRUSTED_PROXIES: PROXY, HOLDOUT_SIGNIN_ADDRESS_LIMIT: String(ADDRESS_LIMIT), HOLDOUT_SIGNIN_LIMIT: "1000", HOLDOUT_API_RATE_LIMIT: "100000" },
  });
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

interface Reply {
  status: number;
  location: string | null;
  setCookies: string[];
  body: string;
}

/** An HTTP request from a chosen local address (the server listens on 127.0.0.1; all of 127/8 is this machine). */
function request(path: string, options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}): Promise<Reply> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: options.method ?? "GET", headers: options.headers, localAddress: options.from ?? "127.0.0.1" },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: (res.headers.location as string | undefined) ?? null, setCookies: res.headers["set-cookie"] ?? [], body }));
      },
    );
    req.on("error", reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

const cookiePairs = (lines: string[]) => lines.map((line) => line.split(";")[0]);

/** next-auth's credentials sign-in: the session cookie, or the error next-auth reports ("CredentialsSignin", a rate-limit message). */
async function signIn(email: string, password: string, options: { from?: string; headers?: Record<string, string>; callbackUrl?: string } = {}): Promise<{ cookie?: string; error?: string; url: string }> {
  const csrf = await request("/api/auth/csrf", { from: options.from });
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const jar = cookiePairs(csrf.setCookies);
  const reply = await request("/api/auth/callback/credentials", {
    method: "POST",
    from: options.from,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.join("; "), ...options.headers },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}) }).toString(),
  });
  const url = (JSON.parse(reply.body) as { url: string }).url;
  const session = cookiePairs(reply.setCookies).find((pair) => pair.includes("session-token="));
  const error = new URL(url).searchParams.get("error") ?? undefined;
  return { cookie: session && !error ? [...jar, session].join("; ") : undefined, error, url };
}

async function addressKeys(): Promise<string[]> {
  return (await database.prisma.rateLimit.findMany({ where: { key: { startsWith: "signin:ip:" } } })).map((row) => row.key).sort();
}

describe("sessions end when the password changes", () => {
  it("a password change signs out old cookies (401 from the API, sign-in page for pages)", async () => {
    const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    const first = await signIn(ada.email, DEFAULT_DEMO_PASSWORD);
    const second = await signIn(ada.email, DEFAULT_DEMO_PASSWORD);
    expect((await request("/api/v1/me", { headers: { Cookie: first.cookie! } })).status).toBe(200);
    expect((await request("/courses", { headers: { Cookie: second.cookie! } })).status).toBe(200);

    const sessionOf = async (cookie: string) => JSON.parse((await request("/api/auth/session", { headers: { Cookie: cookie } })).body) as { user?: { name?: string; email?: string } };
    expect((await sessionOf(first.cookie!)).user?.email).toBe(ada.email);

    await changePassword(database.prisma, ada.id, DEFAULT_DEMO_PASSWORD, "ada's new password");
    // An ended session tells next-auth's session endpoint nothing about whose it was.
    expect(await sessionOf(first.cookie!)).not.toHaveProperty("user");
    for (const old of [first.cookie!, second.cookie!]) {
      expect((await request("/api/v1/me", { headers: { Cookie: old } })).status).toBe(401);
      const page = await request("/courses", { headers: { Cookie: old } });
      expect(page.status).toBe(307);
      expect(new URL(page.location!, server.url).pathname).toBe("/signin");
    }
    const fresh = await signIn(ada.email, "ada's new password");
    expect((await request("/api/v1/me", { headers: { Cookie: fresh.cookie! } })).status).toBe(200);
  });

  it("an instructor's password reset signs out their sessions too", async () => {
    const { user, password } = await createInstructor(database.prisma, { email: "reset-me@holdout.test", name: "Reset Me" });
    await changePassword(database.prisma, user.id, password, "my chosen password");
    const session = await signIn(user.email, "my chosen password");
    expect((await request("/api/v1/me", { headers: { Cookie: session.cookie! } })).status).toBe(200);
    await createInstructor(database.prisma, { email: "reset-me@holdout.test", name: "Reset Me" });
    expect((await request("/api/v1/me", { headers: { Cookie: session.cookie! } })).status).toBe(401);
  });
});

describe("forced password change", () => {
  it("a new instructor reaches only the change-password page until they change it", async () => {
    const { user, password } = await createInstructor(database.prisma, { email: "new-prof@holdout.test", name: "New Prof" });
    const { cookie } = await signIn(user.email, password);
    for (const path of ["/courses", "/instructor", "/c/mnist"]) {
      const page = await request(path, { headers: { Cookie: cookie! } });
      expect(page.status, path).toBe(307);
      expect(new URL(page.location!, server.url).pathname, path).toBe("/account");
    }
    const account = await request("/account", { headers: { Cookie: cookie! } });
    expect(account.status).toBe(200);
    expect(account.body).toContain("Choose your password");
    expect(account.body).not.toContain("API tokens");
    expect((await request("/api/v1/me", { headers: { Cookie: cookie! } })).status).toBe(403);
    // Sign-out stays reachable.
    expect((await request("/api/auth/signout")).status).toBe(200);

    await changePassword(database.prisma, user.id, password, "new prof's password");
    const after = await signIn(user.email, "new prof's password");
    expect((await request("/instructor", { headers: { Cookie: after.cookie! } })).status).toBe(200);
  });
});

describe("redirect targets stay on the site", () => {
  it("the sign-in page and next-auth refuse other origins in callbackUrl", async () => {
    for (const evil of ["//evil.example/x", "/\\evil.example/x", "http://evil.example/x", "/%2F%2Fevil.example/x", "%2F%2Fevil.example"]) {
      const page = await request(`/signin?callbackUrl=${encodeURIComponent(evil)}`);
      expect(page.status).toBe(200);
      // The form gets the fallback (the page's own URL, echoed in Next's payload, is not a redirect target).
      expect(page.body, evil).toMatch(/callbackUrl\\?":\\?"\/courses\\?"/);
      expect(page.body.match(/callbackUrl\\?":\\?"[^"\\]*/g), evil).toEqual([expect.stringMatching(/\/courses$/)]);
      const { url, cookie } = await signIn("alan@holdout.test", DEFAULT_DEMO_PASSWORD, { callbackUrl: evil });
      expect(cookie).toBeDefined();
      expect(new URL(url).origin, evil).toBe(new URL(server.url).origin);
      expect(url, evil).not.toContain("evil.example");
    }
    const { url } = await signIn("alan@holdout.test", DEFAULT_DEMO_PASSWORD, { callbackUrl: "/c/mnist/leaderboard" });
    expect(new URL(url).pathname).toBe("/c/mnist/leaderboard");
  });
});

describe("sign-in limits by client address", () => {
  it("a forged X-Forwarded-For is ignored from a direct client; 40 students behind one address sign in; spraying is stopped", async () => {
    const passwordHash = await hashPassword("class password 1");
    const emails = Array.from({ length: 40 }, (_, i) => `nat${i}@class.test`);
    await database.prisma.user.createMany({ data: emails.map((email, i) => ({ email, name: `Student ${i}`, passwordHash })) });
    await database.prisma.rateLimit.deleteMany({ where: { key: { startsWith: "signin:ip:" } } });

    // A direct client forging X-Forwarded-For: counted under its socket address, never the forged one.
    for (let i = 0; i < ADDRESS_LIMIT - 1; i++) {
      expect((await signIn(emails[i], "typo", { headers: { "X-Forwarded-For": `203.0.113.${i}`, "X-Holdout-Socket-Address": `203.0.113.${i}` } })).error).toBe("CredentialsSignin");
    }
    expect(await addressKeys()).toEqual(["signin:ip:127.0.0.1"]);

    // The whole class signs in from that one address (4 failures on it already): nobody is limited.
    for (const email of emails) expect((await signIn(email, "class password 1")).cookie, email).toBeDefined();

    // Spraying: one more failure reaches the limit; then even right passwords are refused from this address.
    expect((await signIn("nat0@class.test", "Winter2026!")).error).toBe("CredentialsSignin");
    expect((await signIn("nat1@class.test", "Winter2026!")).error).toMatch(/Too many sign-in attempts/);
    expect((await signIn("nat1@class.test", "class password 1")).error).toMatch(/Too many sign-in attempts/);
    // Forging another address does not get a sprayer out of it.
    expect((await signIn("nat1@class.test", "class password 1", { headers: { "X-Forwarded-For": "198.51.100.99" } })).error).toMatch(/Too many/);
  });

  it("through the trusted proxy, the right-most untrusted X-Forwarded-For entry is the client", async () => {
    await database.prisma.rateLimit.deleteMany({ where: { key: { startsWith: "signin:ip:" } } });
    // The client put 1.1.1.1 in front; the proxy appended the address it saw.
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      expect((await signIn("nat5@class.test", "typo", { from: PROXY, headers: { "X-Forwarded-For": "1.1.1.1, 198.51.100.7" } })).error).toBe("CredentialsSignin");
    }
    expect(await addressKeys()).toEqual(["signin:ip:198.51.100.7"]);
    expect((await signIn("nat5@class.test", "class password 1", { from: PROXY, headers: { "X-Forwarded-For": "2.2.2.2, 198.51.100.7" } })).error).toMatch(/Too many/);
    // Another client behind the same proxy is not affected, nor are direct clients.
    expect((await signIn("nat5@class.test", "class password 1", { from: PROXY, headers: { "X-Forwarded-For": "198.51.100.8" } })).cookie).toBeDefined();
    expect((await signIn("nat5@class.test", "class password 1")).cookie).toBeDefined();
  });
});
