/**
 * Every page carries a Content-Security-Policy with a fresh nonce and refuses to be framed; the
 * site still works in a real browser under that policy (no violation on any page visited).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { launchBrowser, signInAs } from "@/test/helpers/browser";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";

let database: TestDatabase;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  server = await startTestServer({ databaseUrl: database.url });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

/** Records every CSP violation the page reports, from the DOM event and from the console. */
function watchViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(`page error: ${error.message}`));
  return violations;
}

describe("security headers", () => {
  it.each(["/", "/signin", "/signup", "/api/docs"])("%s has a CSP with a fresh nonce, no framing, no sniffing", async (route) => {
    const first = await fetch(`${server.url}${route}`, { redirect: "manual" });
    const second = await fetch(`${server.url}${route}`, { redirect: "manual" });
    for (const response of [first, second]) {
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      const csp = directives(response.headers.get("content-security-policy") ?? "");
      expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
      expect(csp.get("object-src")).toEqual(["'none'"]);
      expect(csp.get("script-src")).toContain("'strict-dynamic'");
      expect(csp.get("script-src")).not.toContain("'unsafe-inline'");
    }
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonceOf(first)).toBeTruthy();
    expect(nonceOf(first)).not.toBe(nonceOf(second));
  });

  it("API answers carry a policy that lets nothing run or frame them", async () => {
    for (const route of ["/api/health", "/api/v1/me"]) {
      const response = await fetch(`${server.url}${route}`);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      const csp = directives(response.headers.get("content-security-policy") ?? "");
      expect(csp.get("default-src")).toEqual(["'none'"]);
      expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    }
  });

  it("puts the nonce on every script Next.js renders", async () => {
    const response = await fetch(`${server.url}/signin`);
    const nonce = /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")![1];
    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("the site works in Chromium under the policy: sign in, navigate, no violations", async () => {
    const page = await browser.newPage();
    const violations = watchViolations(page);
    await signInAs(page, server.url, "instructor@holdout.test", DEFAULT_DEMO_PASSWORD);
    for (const route of ["/courses", "/instructor", "/account", "/c/mnist", "/c/mnist/leaderboard", "/c/mnist/submit"]) {
      const response = await page.goto(`${server.url}${route}`);
      expect(response?.status(), route).toBe(200);
      await page.waitForLoadState("networkidle");
    }
    // Client-side navigation needs the scripts the policy allowed.
    await page.getByRole("link", { name: "Courses" }).first().click();
    await page.waitForURL(/\/courses$/);
    expect(violations).toEqual([]);
    await page.close();
  });

  it("another site cannot frame a page", async () => {
    const page = await browser.newPage();
    const refused = new Promise<string>((resolve) => {
      page.on("console", (message) => {
        if (/frame-ancestors|X-Frame-Options/.test(message.text())) resolve(message.text());
      });
    });
    await page.setContent(`<iframe src="${server.url}/signin" title="framed"></iframe>`);
    expect(await refused).toMatch(/frame-ancestors|X-Frame-Options/);
    const framed = page.frames().find((frame) => frame.url().includes("/signin"));
    const rendered = framed ? await framed.locator("body").innerText().catch(() => "") : "";
    expect(rendered).not.toMatch(/Sign in/);
    await page.close();
  });
});
