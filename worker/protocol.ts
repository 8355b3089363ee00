// The messages between parents and the sandboxed child live in lib/sandbox/protocol.ts (the web
// process's upload checks use them too).
export type * from "../lib/sandbox/protocol";
