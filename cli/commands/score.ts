/**
 * `holdout score --dataset NAME FILES...`: scores a model on the dataset's full official test
 * set with the production scorer (lib/evaluation, what the worker's child runs), and prints one
 * JSON object on stdout: the whole test set's metrics.
 * Problems go to stderr with a non-zero exit status.
 */
import type { Command } from "commander";
import type { ScoringEngine } from "@/lib/engine/onnx";

interface ScoreOptions {
  dataset: string;
  preprocess?: string;
  dataDir?: string;
  batchSize?: string;
  engine?: string;
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
    .option("--engine <name>", "scoring engine: auto (ONNX Runtime when the model exports, else TF.js), onnx or tfjs; default HOLDOUT_SCORING_ENGINE, else auto")
    .action(async (paths: string[], opts: ScoreOptions) => {
      // Logs go to stderr: stdout carries only the result.
      // TF.js, the scorer and the datasets load here (~1 s), not for --help.
      const [{ initEngine }, { SCORING_ENGINES }, { evaluateSubmission }, { formatProblem, isSubmissionError, readModelFiles }] = await Promise.all([
        import("@/lib/engine/backend"),
        import("@/lib/engine/onnx"),
        import("@/lib/evaluation"),
        import("@/lib/models"),
      ]);
      if (opts.engine !== undefined && !(SCORING_ENGINES as readonly string[]).includes(opts.engine)) throw new Error(`--engine must be one of ${SCORING_ENGINES.join(", ")}`);
      await initEngine({ log: (line) => console.error(line) });
      const files = readModelFiles(paths);
      const { loadDataset } = await import("@/lib/datasets");
      const test = await loadDataset(opts.dataset, "test", { dataDir: opts.dataDir });
      let result;
      try {
        // The production scorer (the worker's child runs the same function), on the whole test set.
        result = await evaluateSubmission({
          kind: "WEIGHTS",
          files,
          preprocessing: opts.preprocess,
          test,
          datasetName: opts.dataset,
          split: { seed: 0, publicFraction: 0.5 },
          batchSize: Number(opts.batchSize) || 256,
          scoringEngine: opts.engine as ScoringEngine | undefined,
        });
      } catch (error) {
        if (!isSubmissionError(error)) throw error;
        for (const problem of error.problems) console.error(`error [${problem.code}] ${formatProblem(problem)}`);
        process.exitCode = 2;
        return;
      }
      for (const warning of result.warnings) console.error(`warning ${warning}`);
      // Which engine predicted, and why TF.js when it was not ONNX Runtime.
      if (result.splitInfo.engine?.label) console.error(`[score] engine: ${result.splitInfo.engine.label}`);
      const overall = result.overall;
      console.log(
        JSON.stringify({
          dataset: opts.dataset,
          format: result.format,
          preprocessing: result.splitInfo.preprocessing,
          outputKind: result.outputKind,
          accuracy: overall.accuracy,
          loss: overall.loss,
          examples: overall.examples,
          confusion: overall.confusion,
          perClassAccuracy: overall.perClass.map((c) => c.accuracy),
          precision: overall.perClass.map((c) => c.precision),
          recall: overall.perClass.map((c) => c.recall),
          ece: overall.ece,
          examplesPerSecond: result.examplesPerSecond,
          backend: result.backend,
          engine: result.splitInfo.engine?.label ?? result.backend,
          // The report's robustness panel: accuracy on the first public images shifted, rotated, noisy.
          robustness: result.robustness ?? null,
        }),
      );
    });
}
