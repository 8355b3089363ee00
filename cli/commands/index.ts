import type { Command } from "commander";
import { registerDatasetsCommand } from "./datasets";
import { registerAdminCommands } from "./admin";
import { registerStartCommand } from "./start";
import { registerWorkerCommand } from "./worker";
import { registerSubmitCommand } from "./submit";
import { registerLeaderboardCommand } from "./leaderboard";
import { registerTokenCommands } from "./token";
import { registerInspectCommand } from "./inspect";
import { registerScoreCommand } from "./score";
import { registerBenchCommand } from "./bench";
import { registerDoctorCommand } from "./doctor";
import { registerTestSetCommands } from "./test-set";
import { registerCourseCommands } from "./course";

/** Each CLI area registers its subcommands on the program. One line per area. */
export const commands: Array<(program: Command) => void> = [
  registerDatasetsCommand,
  registerStartCommand,
  registerAdminCommands,
  registerCourseCommands,
  registerWorkerCommand,
  registerInspectCommand,
  registerScoreCommand,
  registerBenchCommand,
  registerDoctorCommand,
  registerSubmitCommand,
  registerLeaderboardCommand,
  registerTokenCommands,
  registerTestSetCommands,
];
