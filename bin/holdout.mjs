#!/usr/bin/env node
// Entry point of the `holdout` command. The CLI is TypeScript; tsx compiles it on the fly so
// the same source serves the web app, the worker and the CLI without a separate build step.
import { register } from "tsx/esm/api";

register();
await import("../cli/index.ts");
