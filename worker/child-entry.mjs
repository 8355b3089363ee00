// The child process of one job: TypeScript through tsx, like the rest of the worker.
import { register } from "tsx/esm/api";

register();
await import("./child.ts");
