import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

describe("embedded PostgreSQL's exit hooks", () => {
  it("do not turn a failing exit code into 0 (CI would pass a failing test run)", () => {
    const probe = path.resolve(import.meta.dirname, "../../helpers/exit-code-probe.ts");
    const tsx = path.resolve(import.meta.dirname, "../../../node_modules/tsx/dist/cli.mjs");
    const result = spawnSync(process.execPath, [tsx, probe], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(3);
  });
});
