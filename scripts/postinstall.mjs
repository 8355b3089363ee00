// After `npm install`: generates the Prisma client, then compiles the `holdout` command and the
// sandbox child ahead of time (dist/), so neither pays tsx's 5-6 s start.
//
// `prisma generate` needs no schema engine, but the CLI tries to download one unless told where
// it is; offline that download fails, so point it at a stand-in binary unless the user configured
// a real one.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureAllBundles } from "../lib/build/bundles.mjs";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";
env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
env.CHECKPOINT_DISABLE ??= "1";
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
if (result.status !== 0) process.exit(result.status ?? 1);

// The bundles are a speed-up, not a requirement: bin/holdout.mjs rebuilds them on first use, or
// falls back to tsx, so a failure here is reported but does not fail the install.
try {
  await ensureAllBundles(fileURLToPath(new URL("..", import.meta.url)), (line) => console.log(`holdout: ${line}`));
} catch (error) {
  console.warn(`holdout: could not compile ahead of time (${error instanceof Error ? error.message : error}); it will be compiled on first use`);
}
