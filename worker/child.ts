/**
 * The sandboxed child (compiled to dist/child.mjs, started by lib/sandbox/spawn.ts under Node's
 * permission model). It does one task and exits (upload-check children may serve several checks):
 * - a job ("task"): lib/evaluation's scorer loads the test data, loads (or trains) the model,
 *   scores it on the public and private splits; its progress and result go back over IPC;
 * - an upload check ("check"): the files' bytes arrive over IPC, checkSubmissionFiles reads and
 *   trial-runs them, the verdict goes back.
 * No database access here, and no file access beyond what the parent allowed.
 */
import { readFileSync } from "node:fs";
import { initEngine } from "@/lib/engine/backend";
import { isEngineFailure, isPlatformError, runEvaluationTask } from "@/lib/evaluation";
import { calibrateEngine, formatProblem, isSubmissionError, type EngineRates } from "@/lib/models";
import { scrubPaths } from "@/lib/scrub-paths";
import { checkSubmissionFiles } from "@/lib/submissions/check-files";
import { parseChildMessage, parseParentMessage, ProtocolError, type CheckTask, type CheckVerdict, type ChildMessage, type TestSetResult, type TestSetTask } from "@/lib/sandbox/protocol";
import { parseCustomTestSet } from "@/lib/datasets";
import { encodeTestSet } from "@/lib/competitions/test-set-format";

/** Every message is parsed before it leaves (lib/sandbox/protocol.ts); one that does not fit is a platform failure. */
/** Messages handed to IPC but not yet written out (a parsed test set is megabytes). */
const unsent = new Set<Promise<void>>();

function send(message: ChildMessage) {
  let checked: ChildMessage;
  try {
    checked = parseChildMessage(message);
  } catch (error) {
    checked = { type: "failure", source: "PLATFORM", message: scrubPaths((error as Error).message) };
  }
  const written = new Promise<void>((resolve) => process.send?.(checked, undefined, {}, () => resolve()) ?? resolve());
  unsent.add(written);
  void written.then(() => unsent.delete(written));
}

async function check(task: CheckTask): Promise<{ verdict: CheckVerdict; rates: EngineRates }> {
  const rates = task.rates ?? (await calibrateEngine());
  const result = await checkSubmissionFiles({
    files: task.files,
    kind: task.kind,
    preprocessing: task.preprocessing,
    competition: task.competition,
    trainingSettings: task.trainingSettings,
    rates,
    trial: task.trial,
  });
  if (!result.ok) return { verdict: { ok: false, errors: result.errors.map(scrubPaths), warnings: result.warnings.map(scrubPaths) }, rates };
  const roles = task.files.map((file) => result.files.find((checked) => checked.name === file.name && checked.data === file.data)?.role ?? "model");
  const trial = result.trial ? { ...result.trial, warnings: result.trial.warnings.map(scrubPaths) } : result.trial;
  return { verdict: { ok: true, roles, format: result.format, warnings: result.warnings.map(scrubPaths), trainingSettings: result.trainingSettings, summary: result.summary, trial, trainingWork: result.trainingWork ?? null }, rates };
}

/**
 * An instructor's test set: parsed here, sent back in the stored format (the parent never parses
 * the upload). Any parser error is the file's fault and says what to fix, as the parser words it.
 */
function parseTestSet(task: TestSetTask): ChildMessage {
  let parsed;
  try {
    parsed = parseCustomTestSet(task.files, task.limits);
  } catch (error) {
    return { type: "failure", source: "SUBMISSION", message: scrubPaths((error as Error).message) };
  }
  const encoded = encodeTestSet({ count: parsed.count, shape: parsed.shape, classNames: parsed.classNames, labels: parsed.labels, images: parsed.images });
  const result: TestSetResult = { encoded, format: parsed.report.format, perClassCounts: parsed.report.perClassCounts, warnings: parsed.report.warnings.map(scrubPaths) };
  return { type: "test-set-result", result };
}

/** Test builds only: what reading each path does from inside the sandbox (ERR_ACCESS_DENIED expected). */
function probe(paths: string[]): Array<{ path: string; outcome: string }> {
  return paths.map((p) => {
    try {
      readFileSync(p);
      return { path: p, outcome: "read" };
    } catch (error) {
      return { path: p, outcome: (error as NodeJS.ErrnoException).code ?? "error" };
    }
  });
}

function failureFor(error: unknown): ChildMessage {
  if (isSubmissionError(error)) return { type: "failure", source: "SUBMISSION", message: scrubPaths(error.problems.map(formatProblem).join("\n")) };
  if (isPlatformError(error) || error instanceof ProtocolError) return { type: "failure", source: "PLATFORM", message: scrubPaths(error.message) };
  // The engine broke (a CUDA or native TensorFlow library), not the model: retried, never charged.
  if (isEngineFailure(error)) return { type: "failure", source: "PLATFORM", message: scrubPaths(`The scoring engine failed on the server: ${(error as Error).message}. This does not count against your daily limit.`) };
  return { type: "failure", source: "SUBMISSION", message: scrubPaths(`Holdout could not run your model: ${(error as Error).message}. Check that it runs in Keras on the competition's input shape.`) };
}

// If the parent dies (killed, machine lost), nobody is listening any more: stop at once.
process.once("disconnect", () => process.exit(1));

/**
 * Upload-check children started with HOLDOUT_SANDBOX_REUSE serve several checks in turn (the pool
 * retires them after a number of checks, a memory high-water mark, or any check that did not end
 * in a verdict); everything else does one task and exits.
 */
const reusable = Boolean(process.env.HOLDOUT_SANDBOX_REUSE);

async function handle(raw: unknown): Promise<boolean> {
  let more = false;
  try {
    const message = parseParentMessage(raw);
    if (message.type === "task") send({ type: "result", result: await runEvaluationTask(message.task, send) });
    else if (message.type === "check") {
      send({ type: "check-result", ...(await check(message.task)) });
      more = reusable;
    } else if (message.type === "parse-test-set") send(parseTestSet(message.task));
    else if (message.type === "probe" && process.env.NODE_ENV === "test") send({ type: "probe-result", results: probe(message.paths), envKeys: Object.keys(process.env) });
  } catch (error) {
    send(failureFor(error));
  }
  return more;
}

function next(): void {
  process.once("message", async (raw: unknown) => {
    if (await handle(raw)) return next();
    // Exit once every message is written (process.exit drops what IPC has not sent yet: a large
    // result arrived cut off); wasm and tfjs keep handles that would otherwise hold the process.
    await Promise.all(unsent);
    setTimeout(() => process.exit(0), 50);
  });
}
next();

// A spare for upload checks loads its engine now, then says it is ready for a task.
if (process.env.HOLDOUT_SANDBOX_WARM) {
  initEngine({ prefer: process.env.HOLDOUT_SANDBOX_WARM as "wasm", log: () => {} })
    .then(() => send({ type: "ready" }))
    .catch((error) => {
      send({ type: "failure", source: "PLATFORM", message: scrubPaths(`The checking engine could not start: ${(error as Error).message}`) });
      setTimeout(() => process.exit(1), 50);
    });
} else send({ type: "ready" });
