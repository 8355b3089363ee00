import type { Command } from "commander";
import { registerDatasetsCommand } from "./datasets";
import { registerAdminCommands } from "./admin";
import { registerStartCommand } from "./start";
import { registerWorkerCommand } from "./worker";

/** Each CLI area registers its subcommands on the program. One line per area. */
export const commands: Array<(program: Command) => void> = [
  registerDatasetsCommand,
  registerStartCommand,
  registerAdminCommands,
  registerWorkerCommand,
];
