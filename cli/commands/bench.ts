import type { Command } from "commander";
import type { EnginePreference } from "@/lib/engine/backend";

// Not ENGINE_PREFERENCES from lib/engine/backend: importing it would load TF.js for --help.
const PREFERENCES: EnginePreference[] = ["auto", "gpu", "tensorflow", "wasm", "cpu"];
const MODELS = ["mnist-mlp", "lenet5", "mnist-cnn", "cifar-cnn"] as const;

/** `holdout bench`: scoring and training speed of the reference models on this machine. */
export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("measure matMul rate, scoring and training speed of the course's reference models, and check the targets")
    .option("--quick", "fewer images and batches (about half the time)")
    .option("--backend <name>", `backend preference: ${PREFERENCES.join(", ")}`, "auto")
    .option("--models <list>", `comma-separated subset of: ${MODELS.join(", ")}`)
    .option("--synthetic", "use random images even when the real test sets are available")
    .option("--no-parallel", "skip the data-parallel (worker threads) training measurement")
    .option("--json", "print the report as JSON")
    .action(async (opts: { quick?: boolean; backend: string; models?: string; synthetic?: boolean; parallel: boolean; json?: boolean }) => {
      if (!PREFERENCES.includes(opts.backend as EnginePreference)) throw new Error(`--backend must be one of ${PREFERENCES.join(", ")}`);
      const models = opts.models?.split(",").map((m) => m.trim());
      const unknown = models?.filter((m) => !(MODELS as readonly string[]).includes(m));
      if (unknown?.length) throw new Error(`unknown model(s) ${unknown.join(", ")}; choose from ${MODELS.join(", ")}`);
      // Data-parallel training runs dist/gradient-worker.mjs (compiled with the sandbox child).
      const { ensureChildBundle } = await import("@/lib/sandbox/child-bundle");
      await ensureChildBundle((line) => console.error(line));
      // Loaded on demand: TF.js takes a moment to import, and other commands don't need it.
      const { runBench, formatReport } = await import("@/bench/run-bench");
      const report = await runBench({
        quick: Boolean(opts.quick),
        prefer: opts.backend as EnginePreference,
        models: models as (typeof MODELS)[number][] | undefined,
        realData: !opts.synthetic,
        parallel: opts.parallel,
        log: (line) => console.error(line),
      });
      // The command's own start-up, run as a user runs it (compiled, see lib/build/bundles.mjs).
      const { measureStartTimes, formatStartTimes } = await import("@/bench/start-time");
      const startup = measureStartTimes();
      // The deadline rush, simulated from these rates with the real claim policy (bench/deadline-sim.ts).
      const { simulateDeadline, formatDeadline } = await import("@/bench/deadline-sim");
      const modelLoad = Math.max(0, ...report.models.filter((m) => m.name === "mnist-cnn" || m.name === "cifar-cnn").map((m) => m.loadSeconds));
      const deadline = simulateDeadline(report, startup.scoreOverheadMs / 1000 + modelLoad);
      console.log(opts.json ? JSON.stringify({ ...report, startup, deadline }, null, 2) : `${formatReport(report)}\n${formatStartTimes(startup)}\n\n${formatDeadline(deadline)}`);
    });
}
