/**
 * `holdout score --dataset NAME FILES...`: scores a model on the dataset's full official test
 * set, through the same code path as the worker, and prints one JSON object on stdout.
 * Problems go to stderr with a non-zero exit status.
 */
import type { Command } from "commander";
import { initEngine } from "@/lib/engine/backend";
import { evaluateSubmission, formatProblem, isSubmissionError, loadSubmissionModel, readModelFiles } from "@/lib/models";

interface ScoreOptions {
  dataset: string;
  preprocess?: string;
  dataDir?: string;
  batchSize?: string;
}

export function registerScoreCommand(program: Command): void {
  program
    .command("score")
    .description("Score a model on a dataset's official test set; prints one JSON object")
    .argument("<files...>", "model file(s), or a folder holding model.json and its shards")
    .requiredOption("--dataset <name>", "mnist, fashion-mnist or cifar10")
    .option("--preprocess <kind>", 'pixel preprocessing: "1/255" (default), "raw", or {"mean":[...],"std":[...]} (0..1 scale)')
    .option("--data-dir <dir>", "data directory holding the datasets")
    .option("--batch-size <n>", "examples per inference batch", "256")
    .action(async (paths: string[], opts: ScoreOptions) => {
      // Logs go to stderr: stdout carries only the result.
      await initEngine({ log: (line) => console.error(line) });
      const files = readModelFiles(paths);
      let loaded;
      try {
        loaded = await loadSubmissionModel(files, { dataset: opts.dataset, preprocessing: opts.preprocess });
      } catch (error) {
        if (!isSubmissionError(error)) throw error;
        for (const problem of error.problems) console.error(`error [${problem.code}] ${formatProblem(problem)}`);
        process.exitCode = 2;
        return;
      }
      try {
        for (const warning of loaded.warnings) console.error(`warning [${warning.code}] ${formatProblem(warning)}`);
        const { loadDataset } = await import("@/datasets");
        const data = await loadDataset(opts.dataset, "test", { dataDir: opts.dataDir });
        const result = await evaluateSubmission(loaded, data, { batchSize: Number(opts.batchSize) || 256 });
        console.log(
          JSON.stringify({
            dataset: opts.dataset,
            format: loaded.formatLabel,
            preprocessing: result.preprocessing,
            outputKind: result.outputKind,
            accuracy: result.accuracy,
            loss: result.loss,
            examples: result.examples,
            confusion: result.confusion,
            perClassAccuracy: result.perClassAccuracy,
            precision: result.precision,
            recall: result.recall,
            ece: result.ece,
            examplesPerSecond: result.examplesPerSecond,
            backend: result.backend,
          }),
        );
      } finally {
        loaded.dispose();
      }
    });
}
