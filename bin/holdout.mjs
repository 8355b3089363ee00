#!/usr/bin/env node
// Entry point of the `holdout` command. The CLI is TypeScript; tsx compiles it on the fly so
// the same source serves the web app, the worker and the CLI without a separate build step.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

// The project's tsconfig (its "@/" import alias), whatever directory the command runs from.
process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
register();
await import("../cli/index.ts");
