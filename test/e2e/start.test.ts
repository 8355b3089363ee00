import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "@/lib/database/embedded";
import { buildOnce } from "@/test/helpers/server";

// `npm start` as a new user runs it: no DATABASE_URL, so the embedded PostgreSQL, in a home of its own.
const HOLDOUT = path.resolve(import.meta.dirname, "../../bin/holdout.mjs");
let home: string;
let port: number;

function start(extraEnv: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const env: Record<string, string | undefined> = { ...process.env, HOLDOUT_HOME: home, PORT: String(port), HOLDOUT_DEMO_PASSWORD: "demo-password-1", ...extraEnv };
  delete env.DATABASE_URL;
  delete env.NEXTAUTH_URL;
  let output = "";
  const child = spawn(process.execPath, [HOLDOUT, "start"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

async function waitForHealth(child: ChildProcess, output: () => string, check: (body: { database: { up: boolean }; workers: { seenLastMinute: number } }) => boolean) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`holdout start exited early:\n${output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (response.ok && check(await response.json())) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`not healthy within 3 minutes:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  child.kill("SIGINT");
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

beforeAll(async () => {
  await buildOnce();
  home = await mkdtemp(path.join(os.tmpdir(), "holdout-start-"));
  port = await findFreePort();
}, 300_000);
afterAll(() => rm(home, { recursive: true, force: true }));

describe("npm start", () => {
  it("runs database, web and worker with a demo course, and a second start reuses the data", { timeout: 400_000 }, async () => {
    const first = start();
    await waitForHealth(first.child, first.output, (body) => body.database.up && body.workers.seenLastMinute >= 1);
    const signin = await fetch(`http://127.0.0.1:${port}/signin`);
    expect(signin.status).toBe(200);
    expect(await signin.text()).toContain("Sign in to Holdout");
    const log = first.output();
    expect(log).toContain(`Holdout is starting at http://localhost:${port}`);
    expect(log).toContain("sign in as instructor@holdout.test / demo-password-1");
    expect(log).toMatch(/competitions: mnist, fashion-mnist, cifar10/);
    expect(log).toMatch(/\[web\] /);
    expect(log).toMatch(/\[worker\] worker .* ready/);
    expect(await stop(first.child)).toBe(0);
    // Ctrl-C stopped the embedded database too: its port is free again.
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();

    const second = start();
    await waitForHealth(second.child, second.output, (body) => body.database.up);
    expect(second.output()).not.toContain("initialising a new PostgreSQL cluster");
    expect(await stop(second.child)).toBe(0);
  });

  // Issue 13: on a fresh machine without Debian's Fashion-MNIST, the demo made a fashion-mnist
  // competition whose every submission failed. The data directory and Debian's directory point at
  // an empty folder here (datasets/sources.ts); MNIST and CIFAR-10 still come from ../shared.
  it("creates no demo competition for a dataset whose verified files are absent, and says how to fetch it", { timeout: 400_000 }, async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), "holdout-no-datasets-"));
    const previousHome = home;
    home = await mkdtemp(path.join(os.tmpdir(), "holdout-start-fresh-"));
    try {
      const run = start({ HOLDOUT_DATA_DIR: empty, HOLDOUT_DEBIAN_DATASETS_DIR: empty });
      await waitForHealth(run.child, run.output, (body) => body.database.up);
      const log = run.output();
      expect(log).toMatch(/competitions: mnist, cifar10\b/);
      expect(log).toContain("no demo competition for fashion-mnist");
      expect(log).toContain("holdout datasets fetch fashion-mnist");
      expect(await stop(run.child)).toBe(0);
    } finally {
      await rm(home, { recursive: true, force: true });
      home = previousHome;
      await rm(empty, { recursive: true, force: true });
    }
  });
});
