/**
 * Issue 17 part 3 in a real browser against the real web app and worker:
 * - with mail (SMTP_URL pointing at a real SMTP server in this process): the instructor resets a
 *   student's password on the roster page and sees "sent to"; the mail arrives, its link sets a
 *   new password, the student is signed in with it, the old session has ended, and the link
 *   cannot be used again; "Forgot password?" mails a link; the account page switches notices.
 * - without mail: the instructor sees the link to hand out (roster page and API), there is no
 *   "Forgot password?".
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/tokens/tokens";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { resetEnvCache } from "@/lib/env";
import { closeMailTransport } from "@/lib/mail/transport";
import { startWorker, type RunningWorker } from "@/worker/worker";
import { launchBrowser, screenshot, signInAs } from "@/test/helpers/browser";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { linkIn, startSmtpServer, type TestSmtpServer } from "@/test/helpers/smtp";
import { sessionCookie } from "@/test/integration/api/helpers";

let database: TestDatabase;
let smtp: TestSmtpServer;
let withMail: TestServer;
let withoutMail: TestServer;
let worker: RunningWorker;
let browser: Browser;
let courseId: string;
const contexts: BrowserContext[] = [];
const saved = { SMTP_URL: process.env.SMTP_URL, MAIL_FROM: process.env.MAIL_FROM };

beforeAll(async () => {
  smtp = await startSmtpServer();
  database = await createTestDatabase();
  ({ courseId } = await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] }));
  const limits = { HOLDOUT_API_RATE_LIMIT: "10000", HOLDOUT_SIGNIN_LIMIT: "1000" };
  withMail = await startTestServer({ databaseUrl: database.url, env: { ...limits, SMTP_URL: smtp.url, MAIL_FROM: "Holdout <holdout@uni.test>" } });
  withoutMail = await startTestServer({ databaseUrl: database.url, env: { ...limits, SMTP_URL: "" } });
  // The worker (here, in this process) sends what the web app queues, from its own MAIL_FROM.
  process.env.SMTP_URL = smtp.url;
  process.env.MAIL_FROM = "Holdout <holdout@uni.test>";
  resetEnvCache();
  worker = startWorker({ prisma: database.prisma, concurrency: 1, backend: "auto", pollIntervalMs: 100, log: process.env.HOLDOUT_DEBUG ? console.log : () => {} });
  browser = await launchBrowser();
}, 400_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await worker?.stop();
  closeMailTransport();
  await withMail?.stop();
  await withoutMail?.stop();
  await smtp?.stop();
  await database?.drop();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetEnvCache();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ timezoneId: "UTC" });
  contexts.push(context);
  // Generous: a loaded machine hydrates slowly (these are waits, not timing assertions).
  context.setDefaultTimeout(120_000);
  context.setDefaultNavigationTimeout(120_000);
  const page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  return page;
}

async function me(baseUrl: string, cookie: string): Promise<number> {
  return (await fetch(`${baseUrl}/api/v1/me`, { headers: { Cookie: cookie } })).status;
}

async function setNewPassword(page: Page, link: string, password: string) {
  await page.goto(link);
  await page.locator("form[data-ready=true]").waitFor();
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("New password again").fill(password);
  await page.getByRole("button", { name: "Set my new password" }).click();
  await page.waitForURL(/\/courses/);
}

describe("with mail", () => {
  it("the instructor resets a student's password: mailed, the link sets a new password once, the old session ends", { timeout: 300_000 }, async () => {
    const oldSession = await sessionCookie(withMail.url, "ada@holdout.test");
    expect(await me(withMail.url, oldSession)).toBe(200);

    const instructor = await newPage();
    await signInAs(instructor, withMail.url, "instructor@holdout.test", DEFAULT_DEMO_PASSWORD);
    await instructor.goto(`${withMail.url}/instructor/courses/${courseId}/roster`);
    await instructor.getByRole("button", { name: "Reset password of Ada Student" }).click();
    await expect.poll(() => instructor.getByTestId("password-reset-sent").textContent()).toBe("Reset link sent to ada@holdout.test");
    await screenshot(instructor, "password-reset-sent");
    // No link on the page: it went by mail.
    expect(await instructor.getByTestId("password-reset-link").count()).toBe(0);

    const mail = await smtp.waitFor((m) => m.to.includes("ada@holdout.test") && m.subject === "Reset your Holdout password");
    expect(mail.raw).toMatch(/^From: Holdout <holdout@uni\.test>\r?$/m);
    const link = linkIn(mail, "/reset-password?token=");
    expect(link.startsWith(`${withMail.url}/reset-password?token=hpr_`)).toBe(true);

    const student = await newPage();
    await setNewPassword(student, link, "ada's new password");
    await screenshot(student, "password-reset-done");
    // Signed in with the new password by the form; the session from before the reset has ended.
    expect(await student.getByRole("heading", { level: 1 }).first().textContent()).toBeTruthy();
    expect(await me(withMail.url, oldSession)).toBe(401);
    expect(await me(withMail.url, await sessionCookie(withMail.url, "ada@holdout.test", "ada's new password"))).toBe(200);
    await expect(sessionCookie(withMail.url, "ada@holdout.test", DEFAULT_DEMO_PASSWORD)).rejects.toThrow();

    // Once only: the page says so, and offers no form.
    const again = await newPage();
    await again.goto(link);
    await again.getByText("This password reset link has been used already.").waitFor();
    expect(await again.getByLabel("New password", { exact: true }).count()).toBe(0);
  });

  it("'Forgot password?' on the sign-in page mails a link to a known address, and answers an unknown one the same", { timeout: 300_000 }, async () => {
    const page = await newPage();
    await page.goto(`${withMail.url}/signin`);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.waitForURL(/\/forgot-password/);
    const answers: string[] = [];
    for (const email of ["nobody@holdout.test", "alan@holdout.test"]) {
      await page.goto(`${withMail.url}/forgot-password`);
      await page.locator("form[data-ready=true]").waitFor();
      await page.getByLabel("Email").fill(email);
      await page.getByRole("button", { name: "Mail me a reset link" }).click();
      await page.getByRole("status").waitFor();
      answers.push((await page.getByRole("status").textContent())!.replace(email, "EMAIL"));
    }
    expect(answers[0]).toBe(answers[1]);
    const mail = await smtp.waitFor((m) => m.to.includes("alan@holdout.test"));
    await setNewPassword(await newPage(), linkIn(mail, "/reset-password?token="), "alan's new password");
    expect(smtp.messages.filter((m) => m.to.includes("nobody@holdout.test"))).toEqual([]);
  });

  it("the account page switches the mail notices", { timeout: 120_000 }, async () => {
    const page = await newPage();
    await signInAs(page, withMail.url, "ada@holdout.test", "ada's new password");
    await page.goto(`${withMail.url}/account`);
    const scored = page.getByLabel("Mail me when a submission of mine is scored");
    expect(await scored.isChecked()).toBe(true);
    await scored.click();
    await page.getByText("Saved.").waitFor();
    const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    expect({ scored: ada.emailOnScored, closed: ada.emailOnClosed }).toEqual({ scored: false, closed: true });
  });
});

describe("without mail", () => {
  it("the instructor sees the link to hand out (roster page and API); there is no 'Forgot password?'", { timeout: 300_000 }, async () => {
    const page = await newPage();
    await page.goto(`${withoutMail.url}/signin`);
    expect(await page.getByRole("link", { name: "Forgot password?" }).count()).toBe(0);
    expect((await fetch(`${withoutMail.url}/forgot-password`)).status).toBe(404);

    const oldSession = await sessionCookie(withoutMail.url, "alan@holdout.test", "alan's new password");
    await signInAs(page, withoutMail.url, "instructor@holdout.test", DEFAULT_DEMO_PASSWORD);
    await page.goto(`${withoutMail.url}/instructor/courses/${courseId}/roster`);
    const mailsBefore = smtp.messages.length;
    const clicked = new Date();
    await page.getByRole("button", { name: "Reset password of Alan Student" }).click();
    const field = page.getByTestId("password-reset-link");
    await field.waitFor();
    const link = await field.inputValue();
    expect(link).toMatch(new RegExp(`^${withoutMail.url}/reset-password\\?token=hpr_[A-Za-z0-9_-]{43}$`));
    await screenshot(page, "password-reset-link");
    await setNewPassword(await newPage(), link, "alan's third password");
    expect(await me(withoutMail.url, oldSession)).toBe(401);
    expect(await database.prisma.job.count({ where: { type: "mail", createdAt: { gte: clicked } } })).toBe(0);
    expect(smtp.messages.length).toBe(mailsBefore);

    // The API: the course's instructor gets the link; a student of the course gets a 404.
    const grace = await database.prisma.user.findUniqueOrThrow({ where: { email: "instructor@holdout.test" } });
    const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
    const { token: instructorToken } = await createApiToken(database.prisma, grace.id, "reset test");
    const { token: studentToken } = await createApiToken(database.prisma, ada.id, "reset test");
    const post = (token: string, body: unknown) =>
      fetch(`${withoutMail.url}/api/v1/password-resets`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const created = await post(instructorToken, { email: "alan@holdout.test" });
    expect(created.status).toBe(201);
    const { reset } = await created.json();
    expect(reset).toMatchObject({ email: "alan@holdout.test", delivery: "link" });
    expect(reset.url).toMatch(new RegExp(`^${withoutMail.url}/reset-password\\?token=hpr_`));
    expect(await (await fetch(reset.url)).text()).toContain("Set my new password");
    const refused = await post(studentToken, { email: "alan@holdout.test" });
    expect(refused.status).toBe(404);
    expect((await refused.json()).error).toBe("NOT_FOUND");
    // Making a new link retired the one from the roster page... which was used anyway; the API's works.
    expect(await database.prisma.passwordResetToken.count({ where: { userId: (await database.prisma.user.findUniqueOrThrow({ where: { email: "alan@holdout.test" } })).id, usedAt: null } })).toBe(1);
  });
});
