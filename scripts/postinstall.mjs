// Generates the Prisma client after `npm install`. `prisma generate` needs no schema engine, but
// the CLI tries to download one unless told where it is; offline that download fails, so point
// it at a stand-in binary unless the user configured a real one.
import { spawnSync } from "node:child_process";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";
env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
env.CHECKPOINT_DISABLE ??= "1";
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
