/**
 * Upload checks in sandboxed children, for the web process: everything that parses or runs a
 * student's model bytes happens in a child (dist/child.mjs under Node's permission model: reads
 * only its bundle and node_modules, writes nothing, no credentials), never in the web server.
 *
 * - A few warm children wait with their engine loaded. A child serves checks one at a time and
 *   is reused for later ones, because starting one (Node, the wasm engine) costs about a second
 *   of CPU and a deadline rush brings several uploads a second. It is retired (killed, and a new
 *   one started) after `maxChecksPerChild` checks, when its memory stays above
 *   `recycleRssMb` after a check (wasm memory never shrinks), and after any check that did not
 *   end in a clean verdict. Reuse is safe enough because a child holds nothing of value: no
 *   credentials, no file access beyond its code, and its verdict only decides whether an upload
 *   is queued; the worker loads every queued file again in a fresh child of its own.
 * - At most `concurrency` checks run at once (the machine's cores); more wait in a bounded
 *   queue; past it the upload is refused as busy (503, nothing counted).
 * - Limits: a wall-clock limit and a resident-memory watchdog per check (plus the V8 heap flag).
 *   Hitting them is the submission's fault (a verdict naming the limit). A child that fails for
 *   other reasons (cannot start, crashes, engine fails) is a SandboxPlatformError: the upload
 *   did not count.
 */
import type { ChildProcess } from "node:child_process";
import os from "node:os";
import { parseParentMessage, readChildMessage, type CheckTask, type CheckVerdict, type ChildMessage, type EngineRates } from "./protocol";
import { forkSandbox, heapExhausted, residentMegabytes, tailStderr, watchLimits } from "./spawn";
import { env } from "@/lib/env";

export class SandboxPlatformError extends Error {}

export interface CheckLimits {
  memoryMb: number;
  timeoutSeconds: number;
}

interface CheckEnd {
  message?: ChildMessage;
  exited?: { code: number | null; signal: NodeJS.Signals | null };
}

interface Spare {
  child: ChildProcess;
  ready: Promise<void>;
  /** Checks this child has served. */
  served: number;
  /** Set while a check runs: called with its verdict or failure message, or with the exit. */
  onEnd?: (end: CheckEnd) => void;
  exited: boolean;
  /** The child's last stderr output (why it died). */
  stderr: () => string;
}

export class CheckPool {
  readonly concurrency: number;
  readonly spareCount: number;
  readonly maxQueue: number;
  readonly heapMb: number;
  readonly maxChecksPerChild: number;
  readonly recycleRssMb: number;
  /** Idle children, ready or starting. */
  private spares: Spare[] = [];
  private running = 0;
  private queue: Array<() => void> = [];
  private rates: EngineRates | null = null;
  private closed = false;
  /** Children started so far (tests: reuse keeps this well below the number of checks). */
  private started = 0;
  /** Pids of the children running a check now. */
  private checking = new Set<number>();

  constructor(options: { concurrency?: number; spares?: number; maxQueue?: number; heapMb?: number; maxChecksPerChild?: number; recycleRssMb?: number } = {}) {
    const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
    const settings = env();
    this.concurrency = options.concurrency ?? settings.HOLDOUT_CHECK_CONCURRENCY ?? Math.max(1, cores);
    this.spareCount = options.spares ?? settings.HOLDOUT_CHECK_SPARES ?? Math.min(2, this.concurrency);
    this.maxQueue = options.maxQueue ?? settings.HOLDOUT_CHECK_QUEUE;
    this.heapMb = options.heapMb ?? settings.HOLDOUT_CHECK_HEAP_MB;
    this.maxChecksPerChild = options.maxChecksPerChild ?? 50;
    this.recycleRssMb = options.recycleRssMb ?? 768;
  }

  /** Starts the spare children now (otherwise the first check does). */
  warm(): void {
    while (!this.closed && this.spares.length < this.spareCount) this.spares.push(this.startChild());
  }

  /** Running and waiting checks, for health reports and tests. */
  stats() {
    return { running: this.running, queued: this.queue.length, spares: this.spares.length, rates: this.rates, checking: [...this.checking], started: this.started };
  }

  private startChild(): Spare {
    const child = forkSandbox({ heapMb: this.heapMb, env: { HOLDOUT_SANDBOX_WARM: "wasm", HOLDOUT_SANDBOX_REUSE: "1" }, stderr: "pipe" });
    this.started++;
    const stderr = tailStderr(child);
    let onReady: () => void = () => {};
    let onEarlyExit: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onEarlyExit = reject;
    });
    ready.catch(() => {}); // a spare that dies unused is simply replaced
    const spare: Spare = { child, ready, served: 0, exited: false, stderr };
    child.on("message", (raw: unknown) => {
      const m = readChildMessage(raw);
      if (m.type === "ready") onReady();
      else if (m.type === "check-result" || m.type === "failure") {
        const end = spare.onEnd;
        spare.onEnd = undefined;
        end?.({ message: m });
      }
    });
    child.on("error", () => {
      /* spawn failures also end in "exit" */
    });
    child.on("exit", (code, signal) => {
      spare.exited = true;
      onEarlyExit(new SandboxPlatformError(`the checking process exited before it was ready (${signal ?? `exit ${code}`})`));
      this.spares = this.spares.filter((s) => s !== spare);
      const end = spare.onEnd;
      spare.onEnd = undefined;
      end?.({ exited: { code, signal } });
    });
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    return spare;
  }

  /** Back to the idle list after a clean verdict, or retired (and replaced) when it has served enough. */
  private recycle(spare: Spare): void {
    const pid = spare.child.pid ?? 0;
    const worn = spare.served >= this.maxChecksPerChild || residentMegabytes(pid) > this.recycleRssMb;
    if (this.closed || spare.exited || worn) {
      if (!spare.exited) spare.child.kill("SIGKILL");
      this.warm();
      return;
    }
    this.spares.unshift(spare);
  }

  private async acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    if (this.queue.length >= this.maxQueue) throw new SandboxPlatformError("too many uploads are being checked right now");
    await new Promise<void>((resolve) => this.queue.push(resolve));
    // The slot was handed over by release(); running already counts it.
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.running--;
  }

  /** Checks one upload in a sandboxed child. Throws SandboxPlatformError for our failures. */
  async check(task: Omit<CheckTask, "rates">, limits: CheckLimits): Promise<CheckVerdict> {
    await this.acquire();
    try {
      let spare: Spare;
      try {
        // A live idle child first; one that died while idle is dropped by its exit handler.
        do spare = this.spares.shift() ?? this.startChild();
        while (spare.exited);
        this.warm();
      } catch (error) {
        throw new SandboxPlatformError(`the checking process could not be started (${(error as Error).message})`);
      }
      return await this.runOn(spare, task, limits);
    } finally {
      this.release();
    }
  }

  private async runOn(spare: Spare, task: Omit<CheckTask, "rates">, limits: CheckLimits): Promise<CheckVerdict> {
    const { child } = spare;
    const startup = setTimeout(() => child.kill("SIGKILL"), 60_000);
    try {
      await spare.ready;
    } finally {
      clearTimeout(startup);
    }
    if (spare.exited) throw new SandboxPlatformError("the checking process stopped before the check");
    const ended = new Promise<CheckEnd>((resolve) => (spare.onEnd = resolve));
    const watch = watchLimits(
      child,
      { ...limits, sampleMs: 100 },
      {
        timeout: `Checking the model took longer than the ${limits.timeoutSeconds} s limit and was stopped. Make the model smaller or cheaper per image.`,
        memory: `Checking the model used more than the ${limits.memoryMb} MB of memory a job may use and was stopped. Use a smaller model.`,
      },
    );
    try {
      child.send(parseParentMessage({ type: "check", task: { ...task, rates: this.rates } }));
    } catch (error) {
      spare.onEnd = undefined;
      watch.stop();
      child.kill("SIGKILL");
      throw new SandboxPlatformError(`the upload could not be handed to the checking process (${(error as Error).message})`);
    }
    if (child.pid) this.checking.add(child.pid);
    const { message, exited } = await ended;
    if (child.pid) this.checking.delete(child.pid);
    watch.stop();
    spare.served++;
    if (message?.type === "check-result") {
      this.rates ??= message.rates;
      this.recycle(spare);
      return message.verdict;
    }
    // Anything but a clean verdict retires the child.
    if (!spare.exited) child.kill("SIGKILL");
    this.warm();
    if (message?.type === "failure") {
      if (message.source === "PLATFORM") throw new SandboxPlatformError(message.message);
      return { ok: false, errors: [message.message], warnings: [] };
    }
    const killedFor = watch.killedFor();
    if (killedFor) return { ok: false, errors: [killedFor], warnings: [] };
    // Give the last stderr lines a moment to arrive before reading why it died.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (heapExhausted(spare.stderr())) return { ok: false, errors: [`Checking the model used more than the ${this.heapMb} MB of memory the check may use and was stopped. Use a smaller model.`], warnings: [] };
    throw new SandboxPlatformError(`the checking process stopped unexpectedly (${exited?.signal ?? `exit ${exited?.code}`}, ${Math.round(watch.peakRss())} MB)`);
  }

  /** Stops the spares (tests, shutdown). Running checks finish. */
  close(): void {
    this.closed = true;
    for (const spare of this.spares) spare.child.kill("SIGKILL");
    this.spares = [];
  }
}

let shared: CheckPool | undefined;

/** The process's pool (one per web server process). */
export function checkPool(): CheckPool {
  shared ??= new CheckPool();
  return shared;
}
