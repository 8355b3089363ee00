import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import cliProgress from "cli-progress";
import { apiGet, ApiClientError, errorMessage, uploadMultipart, type ApiResponse, type FormPart } from "@/cli/http-client";

/** `holdout submit`: upload a model (or a definition) to a Holdout server from a terminal. */

export interface RemoteOptions {
  url?: string;
  token?: string;
}

/** --url / --token, else HOLDOUT_URL / HOLDOUT_TOKEN. */
export function remote(options: RemoteOptions): { baseUrl: string; token: string } {
  const baseUrl = (options.url ?? process.env.HOLDOUT_URL ?? "").trim().replace(/\/+$/, "");
  const token = (options.token ?? process.env.HOLDOUT_TOKEN ?? "").trim();
  if (!baseUrl) throw new ApiClientError("Give the server's address with --url (or set HOLDOUT_URL), e.g. --url https://holdout.example.edu.");
  if (!token) throw new ApiClientError("Give your API token with --token (or set HOLDOUT_TOKEN). Create one on your account page (/account).");
  return { baseUrl, token };
}

/** Fails the command with the API's message (what went wrong and what to do). */
export function check(response: ApiResponse): void {
  if (response.status >= 200 && response.status < 300) return;
  let message = errorMessage(response);
  const retryAfter = response.headers["retry-after"];
  if (response.status === 429 && retryAfter && !message.includes("Retry-After")) message += ` (Retry-After: ${retryAfter} s)`;
  throw new ApiClientError(message, response.status, response.body);
}

export function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function progressReporter(label: string) {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {sentMb}/{totalMb} MB`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(sent: number, total: number) {
        const payload = { sentMb: (sent / 1048576).toFixed(1), totalMb: (total / 1048576).toFixed(1) };
        if (!started) {
          bar.start(total, 0, payload);
          started = true;
        }
        bar.update(sent, payload);
      },
      stop: () => started && bar.stop(),
    };
  }
  // Not a terminal (CI logs, notebooks' ! commands): a line per 10%.
  let lastStep = -1;
  return {
    update(sent: number, total: number) {
      const step = total === 0 ? 10 : Math.floor((sent / total) * 10);
      if (step === lastStep) return;
      lastStep = step;
      process.stderr.write(`${label} ${step * 10}% (${(sent / 1048576).toFixed(1)}/${(total / 1048576).toFixed(1)} MB)\n`);
    },
    stop() {},
  };
}

interface SubmissionStatus {
  id: string;
  status: string;
  progress: { phase?: string; epoch?: number; totalEpochs?: number; message?: string | null } | null;
  queuePosition: number | null;
  /** Seconds until a worker should start it (absent from older servers). */
  queueEtaSeconds?: number | null;
  failureReason: string | null;
  score: { metric: string; public: number; private: number | null } | null;
}

function describe(submission: SubmissionStatus): string {
  const parts = [submission.status];
  if (submission.status === "QUEUED" && submission.queuePosition) {
    const eta = submission.queueEtaSeconds;
    parts.push(`position ${submission.queuePosition} in the queue${typeof eta === "number" ? `, starting in about ${eta < 120 ? `${Math.round(eta)} s` : `${Math.round(eta / 60)} min`}` : ""}`);
  }
  const progress = submission.progress;
  if (progress?.epoch && progress.totalEpochs) parts.push(`epoch ${progress.epoch}/${progress.totalEpochs}`);
  if (progress?.message) parts.push(progress.message);
  return parts.join(" - ");
}

const FINISHED = new Set(["SCORED", "FAILED", "CANCELLED"]);

/** Polls until the submission is SCORED, FAILED or CANCELLED; status changes go to stderr. */
export async function waitForSubmission(baseUrl: string, token: string, id: string, pollSeconds: number): Promise<SubmissionStatus> {
  let last = "";
  for (;;) {
    const response = await apiGet(`${baseUrl}/api/v1/submissions/${encodeURIComponent(id)}`, token);
    if (response.status === 429) {
      await sleep(Number(response.headers["retry-after"] ?? 5) * 1000);
      continue;
    }
    check(response);
    const submission = (response.body as { submission: SubmissionStatus }).submission;
    const line = describe(submission);
    if (line !== last) {
      process.stderr.write(`${line}\n`);
      last = line;
    }
    if (FINISHED.has(submission.status)) return submission;
    await sleep(pollSeconds * 1000);
  }
}

interface CheckAnswer {
  ok: boolean;
  format: string | null;
  summary: { totalParams: number } | null;
  trial: { examples: number; declared: { preprocessing: unknown; accuracy: number }; others: Array<{ preprocessing: unknown; accuracy: number }> } | null;
  errors: string[];
  warnings: string[];
  remainingToday: number | null;
}

const describePreprocessing = (p: unknown) => (typeof p === "string" ? p : "mean/std");

/** `holdout submit --check`: the free model check (POST …/check); exit status 1 when an upload would be refused. */
async function checkFiles(baseUrl: string, token: string, competition: string, parts: FormPart[]): Promise<void> {
  const progress = progressReporter("check");
  let response: ApiResponse;
  try {
    response = await uploadMultipart(`${baseUrl}/api/v1/competitions/${encodeURIComponent(competition)}/check`, { token, parts, onProgress: progress.update });
  } finally {
    progress.stop();
  }
  check(response);
  printJson(response.body);
  const answer = (response.body as { check: CheckAnswer }).check;
  for (const warning of answer.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (answer.trial) {
    const others = answer.trial.others.map((run) => `${describePreprocessing(run.preprocessing)}: ${(run.accuracy * 100).toFixed(1)}%`).join(", ");
    process.stderr.write(`trial on ${answer.trial.examples} public-split images: ${(answer.trial.declared.accuracy * 100).toFixed(1)}% with ${describePreprocessing(answer.trial.declared.preprocessing)}${others ? ` (${others})` : ""}\n`);
  }
  const left = typeof answer.remainingToday === "number" ? ` You still have ${answer.remainingToday} submissions today; the check used none.` : "";
  if (!answer.ok) throw new ApiClientError(`The files would be refused:\n${answer.errors.map((error) => `- ${error}`).join("\n")}\nNothing was stored.${left}`);
  process.stderr.write(`check passed${answer.format ? ` (${answer.format}${answer.summary ? `, ${answer.summary.totalParams.toLocaleString("en-US")} parameters` : ""})` : ""}; nothing was stored.${left}\n`);
}

export function registerSubmitCommand(program: Command) {
  program
    .command("submit")
    .description("submit model files to a competition on a Holdout server (prints the API's JSON)")
    .argument("<files...>", "model files: model.keras, model.h5, or model.json + weight shards; history.json optional")
    .requiredOption("--competition <slug>", "the competition's short name (see the course page)")
    .option("--url <url>", "the Holdout site, e.g. https://holdout.example.edu (default: $HOLDOUT_URL)")
    .option("--token <token>", "your API token from the account page (default: $HOLDOUT_TOKEN)")
    .addOption(new Option("--kind <kind>", "a trained model (weights) or an architecture Holdout trains (definition)").choices(["weights", "definition"]).default("weights"))
    .option("--preprocess <mode>", 'what the model expects: "1/255" (0..1), "raw" (0..255) or "mean=a,b,c;std=d,e,f"', "1/255")
    .option("--note <text>", "a note to yourself, shown with the submission")
    .option("--training-settings <file.json>", "definition track: optimizer, learningRate, batchSize, epochs, augmentation")
    .option("--check", "only check the files (free: stores nothing, uses no daily slot): the upload's checks plus a trial on 200 public-split images; prints the verdict as JSON")
    .option("--wait", "wait for the score, then print the final status as JSON")
    .option("--poll-interval <seconds>", "with --wait: seconds between status checks", "3")
    .action(async (files: string[], options: RemoteOptions & { competition: string; kind: string; preprocess: string; note?: string; trainingSettings?: string; check?: boolean; wait?: boolean; pollInterval: string }) => {
      const { baseUrl, token } = remote(options);
      const pollSeconds = Number(options.pollInterval);
      if (!(pollSeconds > 0)) throw new ApiClientError("--poll-interval must be a positive number of seconds.");
      const parts: FormPart[] = [
        { name: "kind", value: options.kind },
        { name: "preprocessing", value: options.preprocess },
      ];
      if (options.note) parts.push({ name: "note", value: options.note });
      if (options.trainingSettings) {
        let text: string;
        try {
          text = await readFile(options.trainingSettings, "utf8");
          JSON.parse(text);
        } catch (error) {
          throw new ApiClientError(`Cannot use ${options.trainingSettings} as training settings: ${(error as Error).message}. Give a JSON file, e.g. {"optimizer":"adam","epochs":5}.`);
        }
        parts.push({ name: "trainingSettings", value: text });
      }
      for (const file of files) parts.push({ name: "files", filePath: file });

      if (options.check) return checkFiles(baseUrl, token, options.competition, parts.filter((part) => part.name !== "note"));

      const progress = progressReporter("upload");
      let response: ApiResponse;
      try {
        response = await uploadMultipart(`${baseUrl}/api/v1/competitions/${encodeURIComponent(options.competition)}/submissions`, { token, parts, onProgress: progress.update });
      } finally {
        progress.stop();
      }
      check(response);
      printJson(response.body);
      const created = response.body as { submission: { id: string; pageUrl?: string }; warnings?: string[]; remainingToday?: number | null };
      for (const warning of created.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
      const left = typeof created.remainingToday === "number" ? ` (${created.remainingToday} left today)` : "";
      process.stderr.write(`submitted ${created.submission.id}${left}${created.submission.pageUrl ? `: ${created.submission.pageUrl}` : ""}\n`);
      if (!options.wait) return;

      const final = await waitForSubmission(baseUrl, token, created.submission.id, pollSeconds);
      printJson({ id: final.id, status: final.status, publicScore: final.score?.public ?? null, score: final.score, failureReason: final.failureReason });
      if (final.status !== "SCORED") throw new ApiClientError(`The submission ${final.status === "FAILED" ? "failed" : "was cancelled"}: ${final.failureReason ?? "no reason given"}`);
    });
}
