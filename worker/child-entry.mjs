// The child process of one job: TypeScript through tsx, like the rest of the worker, with the
// project's tsconfig (its "@/" alias) whatever directory the worker was started from.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
register();
await import("./child.ts");
