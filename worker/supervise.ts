import { fork } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ChildMessage, EvaluationTask } from "./protocol";

const CHILD_ENTRY = path.join(import.meta.dirname, "child-entry.mjs");

export interface SuperviseOptions {
  memoryMb: number;
  timeoutSeconds: number;
  onMessage: (message: ChildMessage) => void | Promise<void>;
  /** Extra environment for the child (never the database URL). */
  env?: Record<string, string>;
}

export type SupervisedOutcome =
  | { kind: "finished" }
  | { kind: "crashed"; reason: string; source: "SUBMISSION" | "PLATFORM" };

async function residentMegabytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs one job in a child process so that nothing a submission does can take the worker down:
 * the child gets a memory cap (V8 heap flag, plus a resident-size watchdog for wasm memory that
 * the heap flag does not cover) and a wall-clock limit. It has no database credentials.
 */
export function runInChild(task: EvaluationTask, options: SuperviseOptions): Promise<SupervisedOutcome> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: process.env.NODE_ENV, HOLDOUT_SHARED_DIR: process.env.HOLDOUT_SHARED_DIR, HOLDOUT_DATA_DIR: process.env.HOLDOUT_DATA_DIR, ...options.env };
  const child = fork(CHILD_ENTRY, [], {
    env,
    execArgv: [`--max-old-space-size=${Math.max(256, Math.floor(options.memoryMb * 0.75))}`],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    serialization: "advanced",
  });
  let finished = false;
  let killedFor: string | undefined;
  let pending = Promise.resolve();

  const timeout = setTimeout(() => {
    killedFor = `It ran longer than the competition's limit of ${options.timeoutSeconds} s and was stopped. Make the model smaller or, for definitions, train fewer epochs.`;
    child.kill("SIGKILL");
  }, options.timeoutSeconds * 1000);
  const memoryWatch = setInterval(async () => {
    const rss = await residentMegabytes(child.pid ?? 0);
    if (rss > options.memoryMb) {
      killedFor = `It used more than the ${options.memoryMb} MB of memory a job may use and was stopped. Use a smaller model or batch size.`;
      child.kill("SIGKILL");
    }
  }, 500);

  child.on("message", (message: ChildMessage) => {
    if (message.type === "result" || message.type === "failure") finished = true;
    // Handle messages in order, even when a handler is slow (database writes).
    pending = pending.then(() => options.onMessage(message)).catch((error) => console.error("worker: message handler failed", error));
  });
  child.send({ type: "task", task });

  return new Promise((resolve) => {
    child.on("exit", async (code, signal) => {
      clearTimeout(timeout);
      clearInterval(memoryWatch);
      await pending;
      if (killedFor) return resolve({ kind: "crashed", reason: killedFor, source: "SUBMISSION" });
      if (finished) return resolve({ kind: "finished" });
      if (signal === "SIGKILL" || code === 137) {
        return resolve({ kind: "crashed", reason: "The scoring process was killed, most likely for running out of memory. Use a smaller model or batch size.", source: "SUBMISSION" });
      }
      resolve({ kind: "crashed", reason: `The scoring process stopped unexpectedly (${signal ?? `exit ${code}`}).`, source: "PLATFORM" });
    });
  });
}
