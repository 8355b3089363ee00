/**
 * The deadline rush: N students with API tokens upload a small valid model to one competition
 * within a time window that fills up toward the deadline, some of them more often than their
 * daily limit allows (the last two of those attempts at the same instant, racing for the last
 * slot). Then the bookkeeping is checked against the database, and the leaderboard (API and
 * page) is timed on a competition seeded with many scored submissions.
 *
 * Used by scripts/load/deadline-rush.ts (command line) and test/system/deadline-rush.test.ts.
 * Talks to 127.0.0.1 only; every loop is bounded in count and in time.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { hashPassword } from "@/lib/accounts/password";
import { DEFAULT_LATE_POLICY, DEFAULT_RESOURCE_LIMITS, DEFAULT_TRAINING_BUDGET } from "@/lib/competitions/defaults";
import type { PrismaClient } from "@/lib/db";
import { createApiToken } from "@/lib/tokens/tokens";
import { watchServerMemory, serverMemory } from "./proc";
import { seededRandom, tinyMlpFiles } from "./tiny-model";

export interface RushOptions {
  baseUrl: string;
  prisma: PrismaClient;
  students: number;
  seconds: number;
  /** Submissions per student per day in the rush competition (default 3). */
  dailyLimit?: number;
  seed?: number;
  /** The leaderboard part: students x scored submissions each, timed over `requests` requests (API and page each). */
  board?: { students: number; perStudent: number; requests: number };
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

export interface RushReport {
  startedAt: string;
  parameters: { students: number; seconds: number; dailyLimit: number; seed: number; boardStudents: number; boardPerStudent: number; boardRequests: number };
  uploads: {
    attempts: number;
    /** Students who tried more often than the limit on purpose. */
    overLimitStudents: number;
    accepted: number;
    refusedDailyLimit: number;
    otherStatuses: Record<string, number>;
    networkErrors: number;
    /** From the first attempt to the last answer. */
    elapsedSeconds: number;
    peakInFlight: number;
    latencyMs: LatencyStats;
    acceptedLatencyMs: LatencyStats;
    refusedLatencyMs: LatencyStats;
  };
  integrity: {
    rows: number;
    acceptedResponses: number;
    duplicateIds: number;
    acceptedWithoutRow: number;
    rowsWithoutAcceptedResponse: number;
    rowsWithoutExactlyOneJob: number;
    studentsOverLimit: number;
    studentsWithWrongCount: number;
    refusalsWithoutRetryAfter: number;
    crossedMidnightUtc: boolean;
  };
  leaderboard: { students: number; submissions: number; rows: number; apiMs: LatencyStats; pageMs: LatencyStats };
  /** The web server's resident memory: idle, once 50 uploads were answered (the model code is loaded by then), at its peak, at the end. */
  server: { rssBeforeMiB: number; rssAfter50UploadsMiB: number | null; rssPeakMiB: number; rssAfterMiB: number } | null;
  /** Everything that is not as it must be; empty when all is well. */
  problems: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function latencyStats(values: number[]): LatencyStats {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, max: 0, mean: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank.
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const round = (value: number) => Math.round(value * 10) / 10;
  return { count: values.length, p50: round(rank(50)), p95: round(rank(95)), max: round(sorted[sorted.length - 1]), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
}

/** Only this machine: the load generator must never be pointed at someone else's server. */
export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) throw new Error(`refusing to load ${url}: only 127.0.0.1 / localhost are allowed`);
}

/** Signs in through next-auth's credentials flow and returns the Cookie header. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  keep(csrf);
  const cookie = () => [...jar].map(([key, value]) => `${key}=${value}`).join("; ");
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    redirect: "manual",
  });
  keep(response);
  if (![...jar.keys()].some((key) => key.includes("session-token"))) throw new Error(`sign-in failed for ${email} (${response.status})`);
  return cookie();
}

interface Attempt {
  student: number;
  k: number;
  /** Seconds after the start. */
  at: number;
}

interface AttemptResult extends Attempt {
  status: number;
  ms: number;
  id?: string;
  error?: string;
  retryAfter?: string | null;
}

/** How many times each student tries, and when: the window fills up toward the deadline. */
function plan(students: number, seconds: number, dailyLimit: number, random: () => number): { attempts: Attempt[]; perStudent: number[]; overLimit: Set<number> } {
  const attempts: Attempt[] = [];
  const perStudent: number[] = [];
  const overLimit = new Set<number>();
  // Density rising linearly toward the deadline, as submissions do.
  const when = () => seconds * Math.sqrt(random()) * 0.98;
  for (let student = 0; student < students; student++) {
    const roll = random();
    let count: number;
    if (roll < 0.4) count = 1 + Math.floor(random() * Math.max(1, dailyLimit - 1));
    else if (roll < 0.7) count = dailyLimit;
    else {
      count = dailyLimit + 1 + Math.floor(random() * 3);
      overLimit.add(student);
    }
    perStudent.push(count);
    const times = Array.from({ length: count }, when).sort((a, b) => a - b);
    // Over the limit: the last two attempts at the same instant, racing for the last slots.
    if (overLimit.has(student)) times[count - 2] = times[count - 1];
    times.forEach((at, k) => attempts.push({ student, k, at }));
  }
  return { attempts: attempts.sort((a, b) => a.at - b.at), perStudent, overLimit };
}

export async function runDeadlineRush(options: RushOptions): Promise<RushReport> {
  assertLocal(options.baseUrl);
  const { prisma, baseUrl } = options;
  const log = options.log ?? (() => {});
  const dailyLimit = options.dailyLimit ?? 3;
  const seed = options.seed ?? 1;
  const board = options.board ?? { students: 200, perStudent: 20, requests: 50 };
  const requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
  const students = Math.max(1, Math.min(options.students, 5000));
  const seconds = Math.max(1, Math.min(options.seconds, 3600));
  const random = seededRandom(seed);
  const tag = randomBytes(3).toString("hex");
  const problems: string[] = [];
  const startedAt = new Date();
  const port = Number(new URL(baseUrl).port || 80);
  let memoryWatch: { stop(): number } | null = null;
  let rssBefore = 0;
  try {
    rssBefore = serverMemory(port).rssMiB;
    memoryWatch = watchServerMemory(port, 200);
  } catch {
    log("(the server is not a local process: no memory figures)");
  }

  // --- the course, its students and tokens ---------------------------------------------------
  log(`setting up ${students} students (tag ${tag})`);
  const course = await prisma.course.create({ data: { name: `Rush course ${tag}`, joinCode: `RUSH-${tag.toUpperCase()}` } });
  const instructor = await prisma.user.create({ data: { email: `rush-${tag}-instructor@load.test`, name: "Rush Instructor", role: "INSTRUCTOR" } });
  await prisma.enrollment.create({ data: { userId: instructor.id, courseId: course.id, role: "INSTRUCTOR" } });
  const competitionData = (slug: string, limit: number) => ({
    courseId: course.id,
    slug,
    title: `Rush ${slug}`,
    datasetId: "mnist",
    opensAt: new Date(Date.now() - 30 * 86400_000),
    closesAt: new Date(Date.now() + (seconds + 3600) * 1000),
    dailyLimit: limit,
    splitSeed: 7,
    trainingBudget: DEFAULT_TRAINING_BUDGET,
    resourceLimits: DEFAULT_RESOURCE_LIMITS,
    latePolicy: DEFAULT_LATE_POLICY,
    createdById: instructor.id,
  });
  const competition = await prisma.competition.create({ data: competitionData(`rush-${tag}`, dailyLimit) });
  const userCount = Math.max(students, board.students);
  const users = Array.from({ length: userCount }, (_, i) => ({ id: `rush-${tag}-${String(i).padStart(4, "0")}`, email: `rush-${tag}-${i}@load.test`, name: `Rush Student ${i}` }));
  await prisma.user.createMany({ data: users });
  await prisma.enrollment.createMany({ data: users.map((user) => ({ userId: user.id, courseId: course.id, role: "STUDENT" as const })) });
  const tokens: string[] = [];
  for (const user of users.slice(0, students)) tokens.push((await createApiToken(prisma, user.id, "deadline rush")).token);

  // --- the rush ---------------------------------------------------------------------------------
  const { attempts, perStudent, overLimit } = plan(students, seconds, dailyLimit, random);
  log(`rush: ${attempts.length} upload attempts by ${students} students in ${seconds} s (daily limit ${dailyLimit}; ${overLimit.size} students try more often)`);
  const results: AttemptResult[] = [];
  let inFlight = 0;
  let peakInFlight = 0;
  let rssAfter50: number | null = null;
  const start = performance.now();
  const fire = async (attempt: Attempt): Promise<void> => {
    const form = new FormData();
    form.append("note", `rush ${attempt.student}/${attempt.k}`);
    for (const file of tinyMlpFiles(seed * 1_000_003 + attempt.student * 100 + attempt.k)) form.append("files", new Blob([file.data as Uint8Array<ArrayBuffer>]), file.name);
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    const sent = performance.now();
    try {
      const response = await fetch(`${baseUrl}/api/v1/competitions/${competition.slug}/submissions`, {
        method: "POST",
        headers: { Authorization: `Bearer ${tokens[attempt.student]}` },
        body: form,
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await response.text();
      const ms = performance.now() - sent;
      let body: { submission?: { id?: string }; error?: string } = {};
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: counted by status */
      }
      results.push({ ...attempt, status: response.status, ms, id: body.submission?.id, error: body.error, retryAfter: response.headers.get("retry-after") });
      if (results.length === 50 && memoryWatch) {
        try {
          rssAfter50 = serverMemory(port).rssMiB;
        } catch {
          /* not local */
        }
      }
    } catch (error) {
      results.push({ ...attempt, status: 0, ms: performance.now() - sent, error: (error as Error).name });
    } finally {
      inFlight--;
    }
  };
  const pending: Array<Promise<void>> = [];
  let progressAt = 0;
  for (const attempt of attempts) {
    const wait = start + attempt.at * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(fire(attempt));
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= progressAt + 10) {
      progressAt = elapsed;
      log(`  ${Math.round(elapsed)} s: ${pending.length} sent, ${results.length} answered, ${inFlight} in flight`);
    }
  }
  await Promise.all(pending);
  const elapsedSeconds = (performance.now() - start) / 1000;
  const finishedAt = new Date();
  log(`rush done in ${elapsedSeconds.toFixed(1)} s`);

  // --- bookkeeping ------------------------------------------------------------------------------
  const accepted = results.filter((result) => result.status === 201);
  const refused = results.filter((result) => result.status === 429);
  const otherStatuses: Record<string, number> = {};
  for (const result of results.filter((result) => result.status !== 201 && result.status !== 429)) {
    const key = result.status === 0 ? `network error (${result.error})` : `${result.status} ${result.error ?? ""}`.trim();
    otherStatuses[key] = (otherStatuses[key] ?? 0) + 1;
  }
  const rows = await prisma.submission.findMany({ where: { competitionId: competition.id }, select: { id: true, userId: true, createdAt: true, _count: { select: { jobs: true } } } });
  const rowIds = new Set(rows.map((row) => row.id));
  const acceptedIds = accepted.map((result) => result.id ?? "");
  const duplicateIds = acceptedIds.length - new Set(acceptedIds).size;
  const acceptedWithoutRow = acceptedIds.filter((id) => !rowIds.has(id)).length;
  const acceptedSet = new Set(acceptedIds);
  const rowsWithoutAcceptedResponse = rows.filter((row) => !acceptedSet.has(row.id)).length;
  const rowsWithoutExactlyOneJob = rows.filter((row) => row._count.jobs !== 1).length;
  const crossedMidnightUtc = startedAt.toISOString().slice(0, 10) !== finishedAt.toISOString().slice(0, 10);
  // Never more than the limit per student and UTC day.
  const perDay = new Map<string, number>();
  for (const row of rows) {
    const key = `${row.userId} ${row.createdAt.toISOString().slice(0, 10)}`;
    perDay.set(key, (perDay.get(key) ?? 0) + 1);
  }
  const studentsOverLimit = new Set([...perDay].filter(([, count]) => count > dailyLimit).map(([key]) => key.split(" ")[0])).size;
  // Exactly min(attempts, limit) accepted per student (exact only when the window stayed within one UTC day).
  let studentsWithWrongCount = 0;
  if (!crossedMidnightUtc) {
    const byUser = new Map<string, number>();
    for (const row of rows) byUser.set(row.userId, (byUser.get(row.userId) ?? 0) + 1);
    const acceptedByStudent = new Map<number, number>();
    for (const result of accepted) acceptedByStudent.set(result.student, (acceptedByStudent.get(result.student) ?? 0) + 1);
    for (let student = 0; student < students; student++) {
      const expected = Math.min(perStudent[student], dailyLimit);
      if ((byUser.get(users[student].id) ?? 0) !== expected || (acceptedByStudent.get(student) ?? 0) !== expected) studentsWithWrongCount++;
    }
  }
  const refusalsWithoutRetryAfter = refused.filter((result) => result.error !== "RATE_LIMITED" || !(Number(result.retryAfter) > 0)).length;
  const networkErrors = results.filter((result) => result.status === 0).length;

  if (results.length !== attempts.length) problems.push(`${attempts.length - results.length} attempts never finished`);
  if (Object.keys(otherStatuses).length) problems.push(`answers other than 201/429: ${JSON.stringify(otherStatuses)}`);
  if (duplicateIds) problems.push(`${duplicateIds} submission ids were returned twice`);
  if (acceptedWithoutRow) problems.push(`${acceptedWithoutRow} accepted submissions (201) have no row: lost`);
  if (rowsWithoutAcceptedResponse) problems.push(`${rowsWithoutAcceptedResponse} rows no 201 answered for: duplicated or phantom submissions`);
  if (rows.length !== accepted.length) problems.push(`${rows.length} rows for ${accepted.length} accepted uploads`);
  if (rowsWithoutExactlyOneJob) problems.push(`${rowsWithoutExactlyOneJob} submissions do not have exactly one job`);
  if (studentsOverLimit) problems.push(`${studentsOverLimit} students got more than ${dailyLimit} submissions in a day`);
  if (studentsWithWrongCount) problems.push(`${studentsWithWrongCount} students did not get exactly min(attempts, ${dailyLimit}) submissions`);
  if (refusalsWithoutRetryAfter) problems.push(`${refusalsWithoutRetryAfter} daily-limit refusals lack RATE_LIMITED or Retry-After`);

  // --- the leaderboard under many submissions ---------------------------------------------------
  log(`leaderboard: seeding ${board.students} students x ${board.perStudent} scored submissions`);
  const boardCompetition = await prisma.competition.create({ data: competitionData(`rush-board-${tag}`, 5) });
  const boardSubmissions: Array<{ id: string; competitionId: string; userId: string; kind: "WEIGHTS"; status: "SCORED"; format: string; createdAt: Date; finishedAt: Date }> = [];
  const scores: Array<{ submissionId: string; publicScore: number; privateScore: number; publicLoss: number; privateLoss: number }> = [];
  for (let s = 0; s < board.students; s++) {
    for (let k = 0; k < board.perStudent; k++) {
      const id = `rush-${tag}-b${s}-${k}`;
      const createdAt = new Date(Date.now() - (1 + random() * 10) * 86400_000);
      boardSubmissions.push({ id, competitionId: boardCompetition.id, userId: users[s].id, kind: "WEIGHTS", status: "SCORED", format: "TensorFlow.js layers model", createdAt, finishedAt: createdAt });
      scores.push({ submissionId: id, publicScore: Math.round((0.8 + random() * 0.19) * 1e4) / 1e4, privateScore: Math.round((0.8 + random() * 0.19) * 1e4) / 1e4, publicLoss: random(), privateLoss: random() });
    }
  }
  for (let i = 0; i < boardSubmissions.length; i += 2000) {
    await prisma.submission.createMany({ data: boardSubmissions.slice(i, i + 2000) });
    await prisma.score.createMany({ data: scores.slice(i, i + 2000) });
  }
  const password = `rush-${tag}-password`;
  await prisma.user.update({ where: { id: users[0].id }, data: { passwordHash: await hashPassword(password) } });
  const cookie = await signIn(baseUrl, users[0].email, password);
  const boardToken = tokens[0] ?? (await createApiToken(prisma, users[0].id, "rush board")).token;
  const requests = Math.max(1, Math.min(board.requests, 1000));
  const time = async (url: string, headers: Record<string, string>, check: (status: number, text: string) => string | null): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < requests + 3; i++) {
      const started = performance.now();
      const response = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(requestTimeoutMs) });
      const text = await response.text();
      const ms = performance.now() - started;
      const problem = check(response.status, text);
      if (problem) {
        problems.push(`${url}: ${problem}`);
        break;
      }
      // The first three warm caches up and are not counted.
      if (i >= 3) times.push(ms);
    }
    return times;
  };
  let boardRows = 0;
  const apiTimes = await time(`${baseUrl}/api/v1/competitions/${boardCompetition.slug}/leaderboard`, { Authorization: `Bearer ${boardToken}` }, (status, text) => {
    if (status !== 200) return `status ${status}`;
    boardRows = (JSON.parse(text) as { rows: unknown[] }).rows.length;
    return boardRows === board.students ? null : `${boardRows} rows, expected ${board.students}`;
  });
  const pageTimes = await time(`${baseUrl}/c/${boardCompetition.slug}/leaderboard`, { Cookie: cookie }, (status, text) =>
    status !== 200 ? `status ${status}` : text.includes("Public leaderboard") && text.includes(users[board.students - 1].name) ? null : "the page does not show the board",
  );

  const rssPeak = memoryWatch?.stop() ?? 0;
  let server: RushReport["server"] = null;
  if (memoryWatch) {
    try {
      server = { rssBeforeMiB: rssBefore, rssAfter50UploadsMiB: rssAfter50, rssPeakMiB: rssPeak, rssAfterMiB: serverMemory(port).rssMiB };
    } catch {
      server = null;
    }
  }

  return {
    startedAt: startedAt.toISOString(),
    parameters: { students, seconds, dailyLimit, seed, boardStudents: board.students, boardPerStudent: board.perStudent, boardRequests: requests },
    uploads: {
      attempts: attempts.length,
      overLimitStudents: overLimit.size,
      accepted: accepted.length,
      refusedDailyLimit: refused.length,
      otherStatuses,
      networkErrors,
      elapsedSeconds: Math.round(elapsedSeconds * 10) / 10,
      peakInFlight,
      latencyMs: latencyStats(results.map((result) => result.ms)),
      acceptedLatencyMs: latencyStats(accepted.map((result) => result.ms)),
      refusedLatencyMs: latencyStats(refused.map((result) => result.ms)),
    },
    integrity: {
      rows: rows.length,
      acceptedResponses: accepted.length,
      duplicateIds,
      acceptedWithoutRow,
      rowsWithoutAcceptedResponse,
      rowsWithoutExactlyOneJob,
      studentsOverLimit,
      studentsWithWrongCount,
      refusalsWithoutRetryAfter,
      crossedMidnightUtc,
    },
    leaderboard: { students: board.students, submissions: boardSubmissions.length, rows: boardRows, apiMs: latencyStats(apiTimes), pageMs: latencyStats(pageTimes) },
    server,
    problems,
  };
}

const ms = (stats: LatencyStats) => `${stats.p50} / ${stats.p95} / ${stats.max} ms (n=${stats.count})`;

export function renderMarkdown(report: RushReport, title = "Deadline rush"): string {
  const { parameters: p, uploads: u, integrity: i, leaderboard: b } = report;
  const ok = (good: boolean) => (good ? "ok" : "**FAILED**");
  const lines = [
    `## ${title}`,
    "",
    `${report.startedAt}: ${p.students} students, ${p.seconds} s window, daily limit ${p.dailyLimit}, seed ${p.seed}.`,
    "",
    "| measure | value |",
    "|---|---|",
    `| upload attempts (students over the limit on purpose) | ${u.attempts} (${u.overLimitStudents}) |`,
    `| accepted (201) / refused by the daily limit (429) | ${u.accepted} / ${u.refusedDailyLimit} |`,
    `| other answers | ${Object.keys(u.otherStatuses).length ? Object.entries(u.otherStatuses).map(([k, v]) => `${k}: ${v}`).join(", ") : "none"} |`,
    `| elapsed, first attempt to last answer; peak uploads in flight | ${u.elapsedSeconds} s; ${u.peakInFlight} |`,
    `| upload latency p50 / p95 / max, all | ${ms(u.latencyMs)} |`,
    `| upload latency p50 / p95 / max, accepted | ${ms(u.acceptedLatencyMs)} |`,
    `| upload latency p50 / p95 / max, refused (429) | ${ms(u.refusedLatencyMs)} |`,
    `| submission rows = 201 answers | ${i.rows} = ${i.acceptedResponses}: ${ok(i.rows === i.acceptedResponses && i.acceptedWithoutRow === 0 && i.rowsWithoutAcceptedResponse === 0)} |`,
    `| duplicate ids / rows without exactly one job | ${i.duplicateIds} / ${i.rowsWithoutExactlyOneJob}: ${ok(i.duplicateIds === 0 && i.rowsWithoutExactlyOneJob === 0)} |`,
    `| students over the daily limit / not given exactly min(attempts, limit) | ${i.studentsOverLimit} / ${i.crossedMidnightUtc ? "n/a (crossed 00:00 UTC)" : i.studentsWithWrongCount}: ${ok(i.studentsOverLimit === 0 && i.studentsWithWrongCount === 0)} |`,
    `| leaderboard API p50 / p95 / max (${b.students} students x ${b.submissions / Math.max(1, b.students)} scored) | ${ms(b.apiMs)} |`,
    `| leaderboard page p50 / p95 / max (same board) | ${ms(b.pageMs)} |`,
    report.server
      ? `| web server RSS idle / after 50 uploads / peak / at the end | ${report.server.rssBeforeMiB} / ${report.server.rssAfter50UploadsMiB ?? "–"} / ${report.server.rssPeakMiB} / ${report.server.rssAfterMiB} MiB |`
      : "| web server RSS | not measured (remote server) |",
    `| problems | ${report.problems.length ? report.problems.join("; ") : "none"} |`,
    "",
  ];
  return lines.join("\n");
}

/** Writes the table to DIR/system-numbers.md and the report to DIR/system-numbers.json. */
export async function writeNumbers(report: RushReport, dir: string, title?: string): Promise<{ markdown: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const markdown = path.join(dir, "system-numbers.md");
  const json = path.join(dir, "system-numbers.json");
  await writeFile(markdown, `# Holdout system numbers\n\n${renderMarkdown(report, title)}`);
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown, json };
}
