import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

describe("environment", () => {
  it("applies defaults when nothing is set", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, WORKER_CONCURRENCY: 1, HOLDOUT_BACKEND: "auto", HOLDOUT_DEMO: "true", HOLDOUT_HOME: ".holdout" });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("names each wrong variable and what is wrong with it", () => {
    let message = "";
    try {
      parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://x", HOLDOUT_BACKEND: "tpu" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("PORT: must be a whole number from 1 to 65535");
    expect(message).toContain("DATABASE_URL: must start with postgres:// or postgresql://");
    expect(message).toMatch(/HOLDOUT_BACKEND: .*"auto"/);
    expect(() => parseEnv({ HOLDOUT_DEMO_PASSWORD: "short" })).toThrow(/HOLDOUT_DEMO_PASSWORD: must be at least 8 characters/);
  });

  it("stops the CLI at start with the message, before doing anything", () => {
    const result = spawnSync(process.execPath, [path.resolve(import.meta.dirname, "../../../bin/holdout.mjs"), "migrate"], {
      env: { ...process.env, PORT: "-1" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("PORT:");
    expect(result.stderr).toContain(".env.example");
  });
});
