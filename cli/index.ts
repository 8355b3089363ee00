import { existsSync } from "node:fs";
import { Command } from "commander";
import { commands } from "./commands";
import { EnvError, parseEnv } from "@/lib/env";

// Settings from .env (as the web app reads them), without overriding the real environment.
if (existsSync(".env")) process.loadEnvFile(".env");
try {
  parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(`holdout: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const program = new Command()
  .name("holdout")
  .description("Holdout: competitions and grading for deep-learning courses")
  .showHelpAfterError();

for (const register of commands) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Errors meant for people carry a plain message; anything else is a bug worth a stack trace.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`holdout: ${message}`);
  if (process.env.HOLDOUT_DEBUG && error instanceof Error) console.error(error.stack);
  process.exit(1);
});
