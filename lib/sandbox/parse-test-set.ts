/**
 * Parses an instructor's hidden test set (IDX pair, CIFAR binary, zip of PNG folders) in a
 * sandboxed child, never in the web process: a crafted zip or PNG is as hostile as a crafted
 * model. The child returns the set in the stored format (lib/competitions/test-set-format.ts),
 * which the caller decodes with its own bounded reader. One child per upload: test sets are
 * added a few times a term, so no warm pool.
 */
import { readChildMessage, parseParentMessage, type TestSetResult, type TestSetTask } from "./protocol";
import { forkSandbox, heapExhausted, tailStderr, watchLimits } from "./spawn";

/** The file is at fault (bad format, too big, refused): the message says what to fix. */
export class TestSetRejectedError extends Error {}
/** Ours: the child could not start or died without a verdict. */
export class TestSetPlatformError extends Error {}

/** A 256 MB upload decodes to at most 512 MB of pixels (the route's limits); room for both and the encoded copy. */
const LIMITS = { heapMb: 3072, memoryMb: 4096, timeoutSeconds: 300 };

export async function parseTestSetInSandbox(task: TestSetTask): Promise<TestSetResult> {
  let child;
  try {
    child = forkSandbox({ heapMb: LIMITS.heapMb, stderr: "pipe" });
  } catch (error) {
    throw new TestSetPlatformError(`the parsing process could not be started (${(error as Error).message})`);
  }
  const stderr = tailStderr(child);
  const watch = watchLimits(
    child,
    { timeoutSeconds: LIMITS.timeoutSeconds, memoryMb: LIMITS.memoryMb, sampleMs: 200 },
    {
      timeout: `Reading the test set took longer than ${LIMITS.timeoutSeconds} s and was stopped. Upload fewer or smaller images.`,
      memory: `Reading the test set needed more than ${LIMITS.memoryMb} MB of memory and was stopped. Upload fewer or smaller images.`,
    },
  );
  try {
    const outcome = await new Promise<{ result?: TestSetResult; rejected?: string; failed?: string }>((resolve) => {
      child.on("message", (raw: unknown) => {
        const message = readChildMessage(raw);
        if (message.type === "ready") child.send(parseParentMessage({ type: "parse-test-set", task }));
        else if (message.type === "test-set-result") resolve({ result: message.result });
        else if (message.type === "failure") resolve(message.source === "SUBMISSION" ? { rejected: message.message } : { failed: message.message });
      });
      child.on("error", (error) => resolve({ failed: error.message }));
      child.on("exit", (code, signal) => {
        // Let the last stderr lines arrive before reading why it died.
        setTimeout(() => {
          const killedFor = watch.killedFor();
          if (killedFor) resolve({ rejected: killedFor });
          else if (heapExhausted(stderr())) resolve({ rejected: `Reading the test set needed more than ${LIMITS.heapMb} MB of memory. Upload fewer or smaller images.` });
          else resolve({ failed: `the parsing process stopped unexpectedly (${signal ?? `exit ${code}`})` });
        }, 20);
      });
    });
    if (outcome.result) return outcome.result;
    if (outcome.rejected) throw new TestSetRejectedError(outcome.rejected);
    throw new TestSetPlatformError(outcome.failed ?? "the parsing process gave no answer");
  } finally {
    watch.stop();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
