/**
 * `holdout inspect FILES...`: what Holdout sees in a model, through the same code path as
 * upload validation and the worker: the summary (like Keras' model.summary()) and every
 * problem or warning. Exit status 1 when the model would be refused.
 */
import type { Command } from "commander";

interface InspectOptions {
  dataset?: string;
  preprocess?: string;
  architecture?: boolean;
  json?: boolean;
}

export function registerInspectCommand(program: Command): void {
  program
    .command("inspect")
    .description("Show a model's summary and validation result (Keras .keras/.h5, TF.js model.json + shards)")
    .argument("<files...>", "model file(s), or a folder holding model.json and its shards")
    .option("--dataset <name>", "check compatibility with this dataset: mnist, fashion-mnist or cifar10")
    .option("--preprocess <kind>", 'declared preprocessing: "1/255", "raw", or {"mean":[...],"std":[...]}')
    .option("--architecture", "definition track: read only the architecture (weights ignored)")
    .option("--json", "print the validation result as JSON")
    .action(async (paths: string[], opts: InspectOptions) => {
      // TF.js loads here (~1 s), not for --help.
      const [{ initEngine }, { formatProblem, readModelFiles, renderSummary, validateSubmission, describePreprocessing }] = await Promise.all([import("@/lib/engine/backend"), import("@/lib/models")]);
      await initEngine({ log: (line) => console.error(line) });
      const files = readModelFiles(paths);
      const result = await validateSubmission(files, {
        dataset: opts.dataset,
        preprocessing: opts.preprocess,
        track: opts.architecture ? "architecture" : "weights",
      });
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
      } else {
        if (result.summary) console.log(renderSummary(result.summary));
        if (result.preprocessing) console.log(`Preprocessing: ${describePreprocessing(result.preprocessing)}`);
        for (const warning of result.warnings) console.log(`warning [${warning.code}] ${formatProblem(warning)}`);
        for (const error of result.errors) console.log(`error [${error.code}] ${formatProblem(error)}`);
        console.log(result.ok ? "OK: the model can be scored." : `REFUSED: ${result.errors.length} problem(s).`);
      }
      if (!result.ok) process.exitCode = 1;
    });
}
