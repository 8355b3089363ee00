import type { Command } from "commander";
import { apiGet, uploadMultipart, type ApiResponse, type FormPart } from "@/cli/http-client";
import type { TestSetPreview } from "@/lib/competitions/test-sets";
import { check, printJson, progressReporter, remote, type RemoteOptions } from "./submit";
import { printTable } from "./token";

/**
 * `holdout test-set add|show`: an instructor's hidden test set, through the REST API with their
 * token (PUT/GET /api/v1/competitions/{slug}/test-set). The API rather than the database: the
 * instructor usually has the files on their own machine, not on the server, and the API applies
 * the same checks (instructor of the course, size limits, parser, the first-submission rule) and
 * audit record as the site.
 */

type Answer = TestSetPreview & { replaceable?: boolean };

/** The preview without its images (data: URLs), for --json. */
function withoutImages(answer: Answer) {
  return { ...answer, samples: answer.samples.map((sample) => ({ label: sample.label, className: sample.className, images: sample.images.length })) };
}

export function printPreview(answer: Answer) {
  if (!answer.testSet) {
    console.log("No test set of its own: the competition scores on the dataset's official test set.");
    return;
  }
  const set = answer.testSet;
  console.log(`Test set "${set.name}" (id ${set.id}, ${set.format})`);
  console.log(`${set.count} images of ${set.height}x${set.width} pixels, ${set.channels} channel${set.channels === 1 ? "" : "s"} (${set.channels === 1 ? "greyscale" : "RGB"}), ${set.classNames.length} classes`);
  const split = answer.split;
  if (split) console.log(`Split (seed ${split.seed}, public fraction ${split.publicFraction}): ${split.public} public, ${split.private} private`);
  const headers = ["label", "class", "images", ...(split ? ["public", "private"] : [])];
  const rows = set.classNames.map((name, label) => [String(label), name, String(set.perClassCounts[label] ?? 0), ...(split ? [String(split.perClass[label]?.public ?? 0), String(split.perClass[label]?.private ?? 0)] : [])]);
  printTable(headers, rows);
  for (const warning of answer.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (answer.replaceable === false) process.stderr.write("The competition has submissions: this test set can no longer be replaced.\n");
}

export function registerTestSetCommands(program: Command) {
  const testSet = program.command("test-set").description("a competition's hidden test set of your own (instructors)");
  testSet
    .command("add")
    .description("upload a hidden test set and attach it to a competition (before its first submission); prints the preview")
    .argument("<files...>", "an IDX pair (images + labels, raw or .gz), CIFAR-10 .bin files, or a zip of PNG folders named by class; optionally classes.txt")
    .requiredOption("--competition <slug>", "the competition's short name")
    .option("--name <name>", "a name for the test set (default: from the first file's name)")
    .option("--url <url>", "the Holdout site, e.g. https://holdout.example.edu (default: $HOLDOUT_URL)")
    .option("--token <token>", "your API token from the account page (default: $HOLDOUT_TOKEN)")
    .option("--json", "print the API's JSON (sample images left out) instead of a summary")
    .action(async (files: string[], options: RemoteOptions & { competition: string; name?: string; json?: boolean }) => {
      const { baseUrl, token } = remote(options);
      const parts: FormPart[] = [];
      if (options.name) parts.push({ name: "name", value: options.name });
      for (const file of files) parts.push({ name: "files", filePath: file });
      const progress = progressReporter("upload");
      let response: ApiResponse;
      try {
        response = await uploadMultipart(`${baseUrl}/api/v1/competitions/${encodeURIComponent(options.competition)}/test-set`, { token, parts, method: "PUT", onProgress: progress.update });
      } finally {
        progress.stop();
      }
      check(response);
      const answer = response.body as Answer;
      if (options.json) return printJson(withoutImages(answer));
      printPreview(answer);
      process.stderr.write(`attached to ${options.competition}\n`);
    });
  testSet
    .command("show")
    .description("show the competition's hidden test set: counts per class, shape, public/private split")
    .requiredOption("--competition <slug>", "the competition's short name")
    .option("--url <url>", "the Holdout site (default: $HOLDOUT_URL)")
    .option("--token <token>", "your API token (default: $HOLDOUT_TOKEN)")
    .option("--json", "print the API's JSON (sample images left out)")
    .action(async (options: RemoteOptions & { competition: string; json?: boolean }) => {
      const { baseUrl, token } = remote(options);
      const response = await apiGet(`${baseUrl}/api/v1/competitions/${encodeURIComponent(options.competition)}/test-set`, token);
      check(response);
      const answer = response.body as Answer;
      if (options.json) return printJson(answer.testSet ? withoutImages(answer) : answer);
      printPreview(answer);
    });
}
