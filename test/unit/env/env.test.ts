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

  it("reads SMTP_URL and MAIL_FROM, and refuses what is not an SMTP URL or an address", () => {
    expect(parseEnv({}).SMTP_URL).toBeUndefined();
    expect(parseEnv({ SMTP_URL: "" }).SMTP_URL).toBeUndefined();
    for (const url of ["smtp://user:p%40ss@mail.uni.edu:587", "smtps://mail.uni.edu:465", "smtp://127.0.0.1:2525"]) expect(parseEnv({ SMTP_URL: url }).SMTP_URL).toBe(url);
    for (const url of ["mail.uni.edu:587", "http://mail.uni.edu", "smtp://", "smtp:/x"]) expect(() => parseEnv({ SMTP_URL: url }), url).toThrow(/SMTP_URL: must look like smtp:\/\/user:password@host:587/);
    expect(parseEnv({ MAIL_FROM: "Holdout <holdout@uni.edu>" }).MAIL_FROM).toBe("Holdout <holdout@uni.edu>");
    expect(parseEnv({ MAIL_FROM: "holdout@uni.edu" }).MAIL_FROM).toBe("holdout@uni.edu");
    for (const from of ["holdout", "Holdout <holdout>", "a@b.c\r\nBcc: x@y.z"]) expect(() => parseEnv({ MAIL_FROM: from }), from).toThrow(/MAIL_FROM: must be an address/);
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
