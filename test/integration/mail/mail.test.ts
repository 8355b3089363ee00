/**
 * Mail against a real SMTP server (smtp-server, in this process) and the real worker: password
 * reset links, claim links, the "scored" and "competition closed" notices, retries after a
 * refused send. No mocks: messages go through nodemailer, over SMTP, into the test server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "@/lib/accounts/accounts";
import { claimAccount, createClaimLinks } from "@/lib/accounts/claim";
import { hashPassword } from "@/lib/accounts/password";
import { authenticateToken, createApiToken } from "@/lib/tokens/tokens";
import { completePasswordReset, createPasswordReset, inspectPasswordReset, requestPasswordReset, RESET_MAILS_PER_EMAIL, RESET_REQUESTS_PER_ADDRESS } from "@/lib/accounts/password-reset";
import type { Job, User } from "@/lib/db";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { resetEnvCache } from "@/lib/env";
import { SENT_TEXT } from "@/lib/mail/deliver";
import { enqueueClosedNotices, enqueueScoredNotice } from "@/lib/mail/notices";
import { enqueueMail, mailRetryDelaySeconds } from "@/lib/mail/outbox";
import { setMailPreferences } from "@/lib/mail/preferences";
import { closeMailTransport } from "@/lib/mail/transport";
import { importRoster } from "@/lib/roster";
import { createSubmission } from "@/lib/submissions/create-submission";
import { startWorker, type RunningWorker } from "@/worker/worker";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";
import { linkIn, startSmtpServer, type TestSmtpServer } from "@/test/helpers/smtp";
import { makeCompetition, makeCourse, makeStudent, scored } from "@/test/integration/leaderboard/fixtures";

const SITE = "https://holdout.example.edu";
let database: TestDatabase;
let smtp: TestSmtpServer;
let worker: RunningWorker;
let courseId: string;
const people = {} as Record<"grace" | "ada" | "alan" | "tara" | "olga" | "bob" | "root", User>;
const saved = { SMTP_URL: process.env.SMTP_URL, MAIL_FROM: process.env.MAIL_FROM, NEXTAUTH_URL: process.env.NEXTAUTH_URL };

function useMail(on: boolean) {
  if (on) process.env.SMTP_URL = smtp.url;
  else delete process.env.SMTP_URL;
  resetEnvCache();
}

const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

async function mailJobs(to: string): Promise<Job[]> {
  return database.prisma.job.findMany({ where: { type: "mail", payload: { path: ["to"], equals: to } }, orderBy: { createdAt: "asc" } });
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  process.env.MAIL_FROM = "Holdout Test <holdout@holdout.example.edu>";
  process.env.NEXTAUTH_URL = SITE;
  useMail(true);
  database = await createTestDatabase();
  const prisma = database.prisma;
  ({ courseId } = await seedDemo(prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] }));
  for (const [key, email] of [["grace", "instructor@holdout.test"], ["ada", "ada@holdout.test"], ["alan", "alan@holdout.test"]] as const) {
    people[key] = await prisma.user.findUniqueOrThrow({ where: { email } });
  }
  const passwordHash = await hashPassword("other-password");
  people.tara = await prisma.user.create({ data: { email: "tara@holdout.test", name: "Tara TA", passwordHash, enrollments: { create: { courseId, role: "TA" } } } });
  const other = await makeCourse(prisma, "Other course");
  people.olga = await prisma.user.update({ where: { id: other.instructor.id }, data: { passwordHash } });
  people.bob = await prisma.user.update({ where: { id: (await makeStudent(prisma, other.course.id, "Bob Other")).id }, data: { passwordHash } });
  people.root = await prisma.user.create({ data: { email: "root@holdout.test", name: "Root Admin", role: "ADMIN", passwordHash } });
  worker = startWorker({ prisma, concurrency: 1, backend: "auto", pollIntervalMs: 100, closedNoticeIntervalMs: 3_600_000, log: process.env.HOLDOUT_DEBUG ? console.log : () => {} });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  closeMailTransport();
  await smtp?.stop();
  await database?.drop();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetEnvCache();
});

describe("password reset", () => {
  it("an instructor's reset of a student is mailed; the link sets a new password once and ends the old sessions", async () => {
    const prisma = database.prisma;
    const before = await prisma.user.findUniqueOrThrow({ where: { id: people.ada.id } });
    const reset = await createPasswordReset(prisma, people.grace.id, { email: "ADA@holdout.test" });
    expect(reset).toMatchObject({ delivery: "mail", email: "ada@holdout.test" });
    expect(reset).not.toHaveProperty("token");

    const mail = await smtp.waitFor((m) => m.to.includes("ada@holdout.test") && m.subject === "Reset your Holdout password");
    expect(mail.raw).toMatch(/^From: Holdout Test <holdout@holdout\.example\.edu>\r?$/m);
    expect(mail.text).toContain("Your instructor started a password reset");
    const link = linkIn(mail, "/reset-password?token=");
    expect(link.startsWith(`${SITE}/reset-password?token=hpr_`)).toBe(true);
    // Only the hash is stored; once sent, the job keeps no copy of the text (it held the link).
    const token = tokenOf(link);
    expect(await prisma.passwordResetToken.count({ where: { tokenHash: token } })).toBe(0);
    const [job] = await mailJobs("ada@holdout.test");
    await until("the mail job to settle", async () => (await prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status === "SUCCEEDED");
    const settled = await prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect((settled.payload as { text: string }).text).toBe(SENT_TEXT);
    expect(JSON.stringify(settled.payload)).not.toContain(token);

    expect(await inspectPasswordReset(prisma, token)).toEqual({ status: "ok", email: "ada@holdout.test", name: "Ada Student" });
    await expect(completePasswordReset(prisma, token, "short")).rejects.toThrow(/at least 8 characters/);
    // An API token made in the account before the reset (by whoever had it) stops working.
    const { token: apiToken } = await createApiToken(prisma, people.ada.id, "made before the reset");
    expect(await authenticateToken(prisma, apiToken)).not.toBeNull();
    expect(await completePasswordReset(prisma, token, "a-brand-new-password")).toEqual({ email: "ada@holdout.test" });
    expect(await authenticateToken(prisma, apiToken)).toBeNull();
    const after = await prisma.user.findUniqueOrThrow({ where: { id: people.ada.id } });
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await authenticate(prisma, { email: "ada@holdout.test", password: "a-brand-new-password" }, 10)).toMatchObject({ id: people.ada.id });
    expect(await authenticate(prisma, { email: "ada@holdout.test", password: DEFAULT_DEMO_PASSWORD }, 10)).toBeNull();

    // Once only.
    expect(await inspectPasswordReset(prisma, token)).toEqual({ status: "used" });
    await expect(completePasswordReset(prisma, token, "yet-another-password")).rejects.toThrow(/used already/);
    expect(await authenticate(prisma, { email: "ada@holdout.test", password: "a-brand-new-password" }, 10)).not.toBeNull();
  });

  it("only the student's instructors (student accounts only) and site administrators may reset; expired and wrong links are refused", async () => {
    const prisma = database.prisma;
    for (const [actor, target] of [
      [people.tara, people.ada], // a TA of the course
      [people.olga, people.ada], // another course's instructor
      [people.alan, people.ada], // a classmate
      [people.grace, people.tara], // staff of the course
      [people.grace, people.bob], // a student of another course
      [people.grace, people.root],
    ] as const) {
      await expect(createPasswordReset(prisma, actor.id, { userId: target.id }), `${actor.email} resetting ${target.email}`).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect(await prisma.passwordResetToken.count({ where: { usedAt: null } })).toBe(0);
    // A site administrator may reset anybody, an instructor account included.
    expect(await createPasswordReset(prisma, people.root.id, { email: people.olga.email })).toMatchObject({ delivery: "mail", email: people.olga.email });
    const mail = await smtp.waitFor((m) => m.to.includes(people.olga.email));
    expect(mail.text).toContain("A site administrator started a password reset");

    // An account from a class list has no password yet: it needs its claim link.
    await importRoster(prisma, people.grace.id, courseId, "email,name\nnopass@example.edu,No Password\n");
    const imported = await prisma.user.findUniqueOrThrow({ where: { email: "nopass@example.edu" } });
    await expect(createPasswordReset(prisma, people.grace.id, { userId: imported.id })).rejects.toThrow(/claim link/);

    // Expired (made 25 hours ago), wrong and malformed tokens.
    useMail(false);
    try {
      const old = await createPasswordReset(prisma, people.grace.id, { userId: people.alan.id }, new Date(Date.now() - 25 * 3600 * 1000));
      if (old.delivery !== "link") throw new Error("expected a link without mail");
      const token = tokenOf(`${SITE}${old.path}`);
      expect(await inspectPasswordReset(prisma, token)).toEqual({ status: "expired" });
      await expect(completePasswordReset(prisma, token, "hijacked-password")).rejects.toThrow(/expired/);
      for (const wrong of [`hpr_${"A".repeat(43)}`, token.slice(0, -2), "", null, `hcl_${token.slice(4)}`]) {
        expect(await inspectPasswordReset(prisma, wrong)).toEqual({ status: "invalid" });
        await expect(completePasswordReset(prisma, wrong, "hijacked-password")).rejects.toMatchObject({ code: "NOT_FOUND" });
      }
    } finally {
      useMail(true);
    }
    expect(await authenticate(prisma, { email: "alan@holdout.test", password: DEFAULT_DEMO_PASSWORD }, 10)).not.toBeNull();
  });

  it("without SMTP_URL the link is returned to the instructor, nothing is queued, and there is no self-service reset", async () => {
    const prisma = database.prisma;
    useMail(false);
    try {
      const jobs = await prisma.job.count({ where: { type: "mail" } });
      const reset = await createPasswordReset(prisma, people.grace.id, { userId: people.alan.id });
      expect(reset).toMatchObject({ delivery: "link", email: "alan@holdout.test" });
      if (reset.delivery !== "link") throw new Error("expected a link");
      expect(reset.path).toMatch(/^\/reset-password\?token=hpr_[A-Za-z0-9_-]{43}$/);
      expect(await prisma.job.count({ where: { type: "mail" } })).toBe(jobs);
      await expect(requestPasswordReset(prisma, "alan@holdout.test")).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(createClaimLinks(prisma, people.grace.id, courseId, { mail: true })).rejects.toThrow(/sends no mail/);
      // The link works as a mailed one does.
      expect(await completePasswordReset(prisma, tokenOf(`${SITE}${reset.path}`), "alan-new-password")).toEqual({ email: "alan@holdout.test" });
    } finally {
      useMail(true);
    }
  });

  it("'Forgot password?' answers the same for unknown addresses, mails known ones, and is rate-limited", async () => {
    const prisma = database.prisma;
    await expect(requestPasswordReset(prisma, "nobody@holdout.test", { clientAddress: "198.51.100.7" })).resolves.toBeUndefined();
    await expect(requestPasswordReset(prisma, "bob-other@example.edu", { clientAddress: "198.51.100.7" })).resolves.toBeUndefined();
    await expect(requestPasswordReset(prisma, people.bob.email, { clientAddress: "198.51.100.7" })).resolves.toBeUndefined();
    const mail = await smtp.waitFor((m) => m.to.includes(people.bob.email));
    expect(mail.text).toContain("Somebody (hopefully you) asked to reset");
    expect(mail.text).toContain("for 1 hour");
    expect(await mailJobs("nobody@holdout.test")).toEqual([]);
    await expect(requestPasswordReset(prisma, "not an email", { clientAddress: "198.51.100.7" })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    // Per address asked for: at most RESET_MAILS_PER_EMAIL mails an hour, silently.
    for (let i = 0; i < RESET_MAILS_PER_EMAIL + 2; i++) await requestPasswordReset(prisma, people.tara.email, { clientAddress: `203.0.113.${i}` });
    expect(await mailJobs(people.tara.email)).toHaveLength(RESET_MAILS_PER_EMAIL);
    // Only the newest link works.
    expect(await prisma.passwordResetToken.count({ where: { userId: people.tara.id, usedAt: null } })).toBe(1);

    // Per client address: refused in words after RESET_REQUESTS_PER_ADDRESS requests an hour.
    for (let i = 0; i < RESET_REQUESTS_PER_ADDRESS; i++) await requestPasswordReset(prisma, `someone-${i}@holdout.test`, { clientAddress: "192.0.2.50" });
    await expect(requestPasswordReset(prisma, people.ada.email, { clientAddress: "192.0.2.50" })).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});

describe("claim links by mail", () => {
  it("mails each student their claim link, which sets up the account", async () => {
    const prisma = database.prisma;
    await importRoster(prisma, people.grace.id, courseId, "email,name\nmia@example.edu,Mia Mailed\n");
    const mia = await prisma.user.findUniqueOrThrow({ where: { email: "mia@example.edu" } });
    const links = await createClaimLinks(prisma, people.grace.id, courseId, { userIds: [mia.id], mail: true });
    expect(links.map((l) => l.email)).toEqual(["mia@example.edu"]);
    const mail = await smtp.waitFor((m) => m.to.includes("mia@example.edu"));
    expect(mail.subject).toBe("Your Holdout account for Deep Learning (demo)".replace("Deep Learning (demo)", (await prisma.course.findUniqueOrThrow({ where: { id: courseId } })).name));
    const link = linkIn(mail, "/claim?token=");
    expect(link).toBe(`${SITE}${links[0].path}`);
    expect(await claimAccount(prisma, tokenOf(link), { name: "Mia Mailed", password: "mia-password" })).toEqual({ email: "mia@example.edu" });
  });
});

describe("delivery", () => {
  it("a refused send is tried again later, backing off, then delivered", async () => {
    const prisma = database.prisma;
    smtp.refuseNext(1);
    const job = (await enqueueMail(prisma, { to: "retry@holdout.test", subject: "Retry me", text: "Hello" }))!;
    const waiting = await until("the first attempt to fail", async () => {
      const row = await prisma.job.findUniqueOrThrow({ where: { id: job.id } });
      return row.status === "PENDING" && row.attempts === 1 ? row : null;
    });
    expect(waiting.lastError).toMatch(/attempt 1\/8.*451/);
    // Backed off: not before a minute has passed (runAfter is set from the worker's clock).
    expect(waiting.runAfter.getTime() - job.createdAt.getTime()).toBeGreaterThanOrEqual((mailRetryDelaySeconds(1) - 5) * 1000);
    expect(mailRetryDelaySeconds(2)).toBeGreaterThan(mailRetryDelaySeconds(1));
    expect(mailRetryDelaySeconds(30)).toBe(3600);
    expect(smtp.messages.some((m) => m.to.includes("retry@holdout.test"))).toBe(false);
    // Time passes.
    await prisma.job.update({ where: { id: job.id }, data: { runAfter: new Date() } });
    await smtp.waitFor((m) => m.to.includes("retry@holdout.test"));
    const done = await until("the job to succeed", async () => {
      const row = await prisma.job.findUniqueOrThrow({ where: { id: job.id } });
      return row.status === "SUCCEEDED" ? row : null;
    });
    expect(done.attempts).toBe(2);
  });
});

describe("notices", () => {
  it("'scored' is mailed once with the public score and the report link, not to a student who switched it off, not for baselines", async () => {
    const prisma = database.prisma;
    const competition = await prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
    await setMailPreferences(prisma, people.alan.id, { emailOnScored: false });
    await expect(setMailPreferences(prisma, people.alan.id, { emailOnClosed: "yes" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const make = (userId: string, isBaseline = false) => scored(prisma, { competitionId: competition.id, userId, publicScore: 0.91234, privateScore: 0.87654, createdAt: new Date(), isBaseline });
    const [adaSubmission, alanSubmission, baseline] = [await make(people.ada.id), await make(people.alan.id), await make(people.grace.id, true)];

    expect(await enqueueScoredNotice(prisma, adaSubmission.id)).toBe(true);
    const mail = await smtp.waitFor((m) => m.to.includes("ada@holdout.test") && m.subject.startsWith("Scored:"));
    expect(mail.subject).toBe(`Scored: your submission to ${competition.title}`);
    expect(mail.text).toContain("Public accuracy: 0.9123");
    expect(mail.text).not.toContain("0.8765");
    expect(mail.text).toContain(`${SITE}/c/mnist/submissions/${adaSubmission.id}`);
    expect(mail.text).toContain(`${SITE}/account`);
    // Once: a second request (a rescore, a retried job) queues nothing.
    expect(await enqueueScoredNotice(prisma, adaSubmission.id)).toBe(false);
    expect((await mailJobs("ada@holdout.test")).filter((job) => (job.payload as { notice?: string }).notice === "scored")).toHaveLength(1);
    // Switched off, and baselines: nothing queued.
    expect(await enqueueScoredNotice(prisma, alanSubmission.id)).toBe(false);
    expect(await enqueueScoredNotice(prisma, baseline.id)).toBe(false);
    expect((await mailJobs("alan@holdout.test")).filter((job) => (job.payload as { notice?: string }).notice === "scored")).toEqual([]);
    expect(await mailJobs(people.grace.email)).toEqual([]);

    // Switched off after it was queued: the worker drops it.
    await setMailPreferences(prisma, people.alan.id, { emailOnScored: true });
    await worker.stop();
    expect(await enqueueScoredNotice(prisma, alanSubmission.id)).toBe(true);
    await setMailPreferences(prisma, people.alan.id, { emailOnScored: false });
    worker = startWorker({ prisma, concurrency: 1, backend: "auto", pollIntervalMs: 100, closedNoticeIntervalMs: 3_600_000, log: () => {} });
    const dropped = await until("the switched-off notice to be dropped", async () => {
      const [job] = (await mailJobs("alan@holdout.test")).filter((j) => (j.payload as { notice?: string }).notice === "scored");
      return job?.status === "CANCELLED" ? job : null;
    });
    expect(dropped.lastError).toMatch(/switched this notice off/);
    expect(smtp.messages.filter((m) => m.to.includes("alan@holdout.test") && m.subject.startsWith("Scored:"))).toEqual([]);
    await prisma.submission.deleteMany({ where: { id: { in: [adaSubmission.id, alanSubmission.id, baseline.id] } } });
  });

  it("the worker queues 'scored' once it has stored a real submission's score", { timeout: 400_000 }, async () => {
    const prisma = database.prisma;
    const fixture = FIXTURE_MODELS.tfjsLayersMnist;
    const { submission } = await createSubmission(prisma, { userId: people.ada.id, competitionSlug: "mnist", kind: "weights", preprocessing: fixture.preprocessing, files: await fixtureModelFiles(fixture.dir) });
    const done = await until(`submission ${submission.id} to be scored`, async () => {
      const row = await prisma.submission.findUniqueOrThrow({ where: { id: submission.id }, include: { score: true } });
      return ["SCORED", "FAILED"].includes(row.status) ? row : null;
    });
    expect(done.failureReason).toBeNull();
    const mail = await smtp.waitFor((m) => m.to.includes("ada@holdout.test") && m.text.includes(`/c/mnist/submissions/${submission.id}`));
    expect(mail.text).toContain(`Public accuracy: ${done.score!.publicScore.toFixed(4)}`);
  });

  it("'competition closed' goes once to each student who wants it, however many workers look", async () => {
    const prisma = database.prisma;
    await setMailPreferences(prisma, people.alan.id, { emailOnClosed: false });
    // Before the close: nothing.
    expect(await enqueueClosedNotices(prisma)).toBe(0);
    const competition = await prisma.competition.update({ where: { slug: "mnist" }, data: { closesAt: new Date(Date.now() - 60_000) } });
    const queued = await Promise.all([enqueueClosedNotices(prisma), enqueueClosedNotices(prisma), enqueueClosedNotices(prisma)]);
    // Students of the course with a password who want it: ada and mia (alan switched it off; the
    // imported account without a password gets nothing).
    expect(queued.reduce((a, b) => a + b, 0)).toBe(2);
    expect(await enqueueClosedNotices(prisma)).toBe(0);
    const mail = await smtp.waitFor((m) => m.to.includes("ada@holdout.test") && m.subject === `Closed: ${competition.title}`);
    const made = await prisma.submission.count({ where: { userId: people.ada.id, competitionId: competition.id } });
    expect(mail.text).toContain(made === 0 ? "You made no submissions" : `You made ${made} submission${made === 1 ? "" : "s"};`);
    expect(mail.text).toContain(`${SITE}/c/mnist/leaderboard`);
    await smtp.waitFor((m) => m.to.includes("mia@example.edu") && m.subject.startsWith("Closed:"));
    expect(await prisma.auditLog.count({ where: { action: "mail.competition-closed", targetId: competition.id } })).toBe(1);
    expect(await mailJobs("alan@holdout.test").then((jobs) => jobs.filter((j) => (j.payload as { notice?: string }).notice === "closed"))).toEqual([]);
    expect(await mailJobs("nopass@example.edu")).toEqual([]);

    // With a late period, the notice waits for the private results to be revealed (the close + 2 days).
    const late = await makeCompetition(prisma, courseId, { closesAt: new Date(Date.now() - 60_000), latePolicy: { kind: "penalty", perDayFraction: 0.1, maxDays: 2 } });
    expect(await enqueueClosedNotices(prisma)).toBe(0);
    expect(await enqueueClosedNotices(prisma, new Date(Date.now() + 2 * 24 * 3600 * 1000 + 60_000))).toBe(2);
    await smtp.waitFor((m) => m.to.includes("ada@holdout.test") && m.subject === `Closed: ${late.title}`);
  });
});
