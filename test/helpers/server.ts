import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ensureWebBuild, NEXT_BIN, NEXT_DIST_DIR, ROOT } from "@/cli/web-build";
import { findFreePort } from "@/lib/database/embedded";

const LOCK = path.join(ROOT, `${NEXT_DIST_DIR}-build.lock`);

/** One `next build` at a time across test files (each runs in its own process). */
export async function buildOnce() {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another file is building; a lock older than 5 minutes is left over from a killed run.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await ensureWebBuild(() => {});
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export interface TestServer {
  url: string;
  stop(): Promise<void>;
  logs(): string;
}

/** The real web app (`next start`, production build) against a test database. */
export async function startTestServer(options: { databaseUrl: string; env?: Record<string, string> }): Promise<TestServer> {
  await buildOnce();
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  // As `holdout start` runs it: with the preload that gives requests their socket address.
  const child: ChildProcess = spawn(process.execPath, ["--import", pathToFileURL(path.join(ROOT, "web", "socket-address.mjs")).href, NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl,
      NEXTAUTH_SECRET: "test-secret-test-secret-test-secret",
      NEXTAUTH_URL: url,
      NEXT_TELEMETRY_DISABLED: "1",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    logs: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
