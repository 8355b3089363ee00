// Entry point of a gradient worker thread. The trainer is TypeScript; a worker thread does not
// inherit the tsx loader that bin/holdout.mjs registers, so it registers it again here.
import { register } from "tsx/esm/api";

register();
await import("./gradient-worker.ts");
