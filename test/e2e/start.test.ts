import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../lib/database/embedded";
import { buildOnce } from "../helpers/server";

// `npm start` as a new user runs it: no DATABASE_URL, so the embedded PostgreSQL, in a home of its own.
const HOLDOUT = path.resolve(import.meta.dirname, "../../bin/holdout.mjs");
let home: string;
let port: number;

function start(): { child: ChildProcess; output: () => string } {
  const env: Record<string, string | undefined> = { ...process.env, HOLDOUT_HOME: home, PORT: String(port), HOLDOUT_DEMO_PASSWORD: "demo-password-1" };
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
});
