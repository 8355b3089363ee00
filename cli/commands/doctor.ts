import type { Command } from "commander";
import type { EnginePreference } from "@/lib/engine/backend";

// Not ENGINE_PREFERENCES from lib/engine/backend: importing it would load TF.js for --help.
const PREFERENCES: EnginePreference[] = ["auto", "gpu", "tensorflow", "wasm", "cpu"];

/** `holdout doctor`: the engine chain, what was found and why, and a ~5-second benchmark (lib/engine/doctor.ts). */
export function registerDoctorCommand(program: Command): void {
  program
    .command("doctor")
    .description("show the engine chain, which engines (wasm, ONNX Runtime, tfjs-node, tfjs-node-gpu) load here and why not, whether TensorFlow sees a GPU, and a 5-second benchmark")
    .option("--backend <name>", `backend preference to check: ${PREFERENCES.join(", ")} (default HOLDOUT_BACKEND or auto)`)
    .option("--seconds <n>", "benchmark length in seconds", "5")
    .option("--json", "print the report as JSON")
    .action(async (opts: { backend?: string; seconds: string; json?: boolean }) => {
      const preference = (opts.backend ?? process.env.HOLDOUT_BACKEND ?? "auto") as EnginePreference;
      if (!PREFERENCES.includes(preference)) throw new Error(`--backend must be one of ${PREFERENCES.join(", ")}`);
      const seconds = Number(opts.seconds);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 120) throw new Error("--seconds must be a number of seconds between 0 and 120");
      const { runDoctor, formatDoctorReport } = await import("@/lib/engine/doctor");
      const report = await runDoctor(preference, { benchmarkSeconds: seconds });
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
      if ("error" in report.engine) process.exitCode = 1;
    });
}
