import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { isDatasetName, getDatasetSpec } from "@/lib/datasets/registry";
import { localLocations } from "@/lib/datasets/sources";
import { forkSandbox, heapExhausted, nativeBackendInstalled, onnxScoringWanted, tailStderr, watchLimits } from "@/lib/sandbox/spawn";
import { parseParentMessage, readChildMessage, type ChildMessage, type EvaluationTask } from "@/lib/sandbox/protocol";

export interface SuperviseOptions {
  memoryMb: number;
  timeoutSeconds: number;
  onMessage: (message: ChildMessage) => void | Promise<void>;
  /** Extra environment for the child (never the database URL). */
  env?: Record<string, string>;
  /** Set by the worker when it shuts down and kills its children: their jobs are not the students' fault. */
  signal?: AbortSignal;
}

export type SupervisedOutcome =
  | { kind: "finished" }
  | { kind: "crashed"; reason: string; source: "SUBMISSION" | "PLATFORM" };

/** What the job's child may read: its own directory (files, custom test set) and its dataset's folders. */
export function jobReadPaths(task: EvaluationTask): string[] {
  const paths = [path.dirname(task.filesDir)];
  if (task.customTestSet) paths.push(task.customTestSet.dir);
  else if (isDatasetName(task.dataset.id)) {
    for (const location of localLocations(getDatasetSpec(task.dataset.id), { dataDir: task.dataset.dataDir })) paths.push(...location.dirs);
  }
  return [...new Set(paths)];
}

/**
 * Runs one job in a sandboxed child process (lib/sandbox/spawn.ts: compiled bundle, Node's
 * permission model, no credentials) so that nothing a submission does can take the worker down:
 * the child gets a memory cap (V8 heap flag, plus a resident-size watchdog for wasm memory that
 * the heap flag does not cover) and a wall-clock limit.
 *
 * Blame: the submission is at fault when it hit its own limits (time, memory: our watchdog, the
 * heap cap). A child that died otherwise (killed while under its memory cap, by the OOM killer or
 * a shutdown; an engine crash) is the platform's fault and never uses a student's daily slot.
 */
export function runInChild(task: EvaluationTask, options: SuperviseOptions): Promise<SupervisedOutcome> {
  // Parsed on write (lib/sandbox/protocol.ts): a task that does not fit is our fault, found before a child starts.
  let taskMessage: ReturnType<typeof parseParentMessage>;
  try {
    taskMessage = parseParentMessage({ type: "task", task });
  } catch (error) {
    return Promise.resolve({ kind: "crashed", reason: `The scoring job could not be prepared (${(error as Error).message}). This does not count against your daily limit.`, source: "PLATFORM" });
  }
  // Native addons: a native TF.js backend, or ONNX Runtime for scoring (lib/engine/onnx).
  const allowAddons = task.backend === "tensorflow" || task.backend === "gpu" || (task.backend === "auto" && nativeBackendInstalled()) || onnxScoringWanted();
  let child: ChildProcess;
  try {
    child = forkSandbox({
      heapMb: options.memoryMb * 0.75,
      readPaths: jobReadPaths(task),
      allowWorker: task.kind === "DEFINITION" && task.cpuShare > 1,
      allowAddons,
      env: options.env,
      stderr: "pipe",
    });
  } catch (error) {
    return Promise.resolve({ kind: "crashed", reason: `The scoring process could not be started (${(error as Error).message}).`, source: "PLATFORM" });
  }
  const stderrTail = tailStderr(child, { forward: true });
  let finished = false;
  let shutdown = false;
  let pending = Promise.resolve();
  const memoryWords = `It used more than the ${options.memoryMb} MB of memory a job may use and was stopped. Use a smaller model or batch size.`;
  const watch = watchLimits(
    child,
    { timeoutSeconds: options.timeoutSeconds, memoryMb: options.memoryMb, sampleMs: 250 },
    { timeout: `It ran longer than the competition's limit of ${options.timeoutSeconds} s and was stopped. Make the model smaller or, for definitions, train fewer epochs.`, memory: memoryWords },
  );
  const onAbort = () => {
    shutdown = true;
    child.kill("SIGKILL");
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });

  child.on("message", (raw: unknown) => {
    // Parsed on read: a message that does not fit becomes a PLATFORM failure.
    const message = readChildMessage(raw);
    if (message.type === "ready") {
      child.send(taskMessage);
      return;
    }
    if (message.type === "result" || message.type === "failure") finished = true;
    // Handle messages in order, even when a handler is slow (database writes).
    pending = pending.then(() => options.onMessage(message)).catch((error) => console.error("worker: message handler failed", error));
  });
  child.on("error", () => {
    /* reported by "exit" (spawn failures exit too) */
  });

  return new Promise((resolve) => {
    child.on("exit", async (code, signal) => {
      watch.stop();
      options.signal?.removeEventListener("abort", onAbort);
      await pending;
      const killedFor = watch.killedFor();
      if (killedFor) return resolve({ kind: "crashed", reason: killedFor, source: "SUBMISSION" });
      if (finished) return resolve({ kind: "finished" });
      if (shutdown) return resolve({ kind: "crashed", reason: "The worker was shut down while scoring. This does not count against your daily limit.", source: "PLATFORM" });
      if (heapExhausted(stderrTail())) return resolve({ kind: "crashed", reason: memoryWords, source: "SUBMISSION" });
      if (signal === "SIGKILL" || code === 137) {
        // Not our watchdog: the kernel's OOM killer (the machine ran short, this job was under its cap) or an operator.
        return resolve({ kind: "crashed", reason: `The scoring process was stopped by the server (it used ${Math.round(watch.peakRss())} MB, under its ${options.memoryMb} MB cap). This does not count against your daily limit.`, source: "PLATFORM" });
      }
      resolve({ kind: "crashed", reason: `The scoring process stopped unexpectedly (${signal ?? `exit ${code}`}). This does not count against your daily limit.`, source: "PLATFORM" });
    });
  });
}
