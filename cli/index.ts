import { Command } from "commander";
import { commands } from "./commands";

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
