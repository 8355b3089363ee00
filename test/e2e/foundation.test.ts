import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, DEMO_COURSE_JOIN_CODE, seedDemo } from "@/lib/demo/seed";
import { launchBrowser, screenshot, signInAs } from "@/test/helpers/browser";
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

describe("the web app on a real server and database", () => {
  it("reports health with the database up", async () => {
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", database: { up: true }, workers: { seenLastMinute: 0 } });
  });

  it("sends anonymous visitors to sign in", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/courses`);
    expect(new URL(page.url()).pathname).toBe("/signin");
    await screenshot(page, "signin");
    await page.close();
  });

  it("lets the demo instructor sign in and see the instructor page", async () => {
    const page = await browser.newPage();
    await signInAs(page, server.url, "instructor@holdout.test", DEFAULT_DEMO_PASSWORD);
    await expect(page.getByRole("heading", { name: "Deep Learning" }).first().isVisible()).resolves.toBe(true);
    const response = await page.goto(`${server.url}/instructor`);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole("heading", { name: "Instructor" }).isVisible()).toBe(true);
    await page.close();
  });

  it("gives a student 403 on instructor pages, not just a hidden link", async () => {
    const page = await browser.newPage();
    await signInAs(page, server.url, "ada@holdout.test", DEFAULT_DEMO_PASSWORD);
    expect(await page.getByRole("link", { name: "Instructor" }).count()).toBe(0);
    const response = await page.goto(`${server.url}/instructor`);
    expect(response?.status()).toBe(403);
    expect(await page.getByText("403: not allowed").isVisible()).toBe(true);
    await page.close();
  });

  it("shows one message for a wrong password and an unknown email", async () => {
    const page = await browser.newPage();
    const messages: string[] = [];
    for (const email of ["ada@holdout.test", "nobody@holdout.test"]) {
      await page.goto(`${server.url}/signin`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("wrong-password");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      const alert = page.locator("main").getByRole("alert");
      await alert.waitFor();
      messages.push((await alert.textContent()) ?? "");
    }
    expect(messages[0]).toContain("do not match");
    expect(messages[1]).toBe(messages[0]);
    await page.close();
  });

  it("signs a new student up with the course join code and signs them in", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/signup`);
    await page.getByLabel("Course join code").fill(DEMO_COURSE_JOIN_CODE.toLowerCase());
    await page.getByLabel("Full name").fill("Katherine Johnson");
    await page.getByLabel("Email").fill("katherine@example.edu");
    await page.getByLabel("Password").fill("orbital-mechanics");
    await screenshot(page, "signup");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(/\/courses/);
    expect(await page.getByRole("heading", { name: "Deep Learning" }).isVisible()).toBe(true);
    await screenshot(page, "courses");
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: "katherine@example.edu" }, include: { enrollments: true } });
    expect(user.enrollments).toHaveLength(1);

    await page.getByRole("link", { name: "Katherine Johnson" }).click();
    await page.getByLabel("Current password").fill("orbital-mechanics");
    await page.getByLabel("New password").fill("trajectory-2026");
    await page.getByRole("button", { name: "Change password" }).click();
    const status = page.locator("main").getByRole("status");
    await status.waitFor();
    expect(await status.textContent()).toContain("Password changed");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/);
    await page.close();
  });

  it("refuses a wrong join code with a message saying what to do", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/signup`);
    await page.getByLabel("Course join code").fill("WRONG-CODE");
    await page.getByLabel("Full name").fill("Eve");
    await page.getByLabel("Email").fill("eve@example.edu");
    await page.getByLabel("Password").fill("long enough");
    await page.getByRole("button", { name: "Sign up" }).click();
    const alert = page.locator("main").getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Check it with your instructor");
    await page.close();
  });
});
