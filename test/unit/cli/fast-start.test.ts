/**
 * The `holdout` command runs compiled (dist/cli.mjs, lib/build/bundles.mjs), never through tsx:
 * a preload refuses tsx and every .ts file, so this fails if bin/holdout.mjs falls back to tsx.
 * The wall time is printed, not asserted (speed targets live in `npm run bench`).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runHoldout } from "@/test/helpers/cli";

const NO_TSX = pathToFileURL(path.resolve(import.meta.dirname, "../../helpers/no-tsx.mjs")).href;

describe("holdout starts without tsx", () => {
  it("the preload really refuses tsx (the check can fail)", async () => {
    const result = await runHoldout(["--help"], { env: { NODE_OPTIONS: `--import ${NO_TSX}`, HOLDOUT_FORCE_TSX: "1" }, timeoutMs: 60_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("no-tsx:");
  });

  it("holdout --help runs compiled, with no TypeScript loaded", async () => {
    await runHoldout(["--help"]); // the bundle is built (global setup); this warms the file cache
    const started = performance.now();
    const result = await runHoldout(["--help"], { env: { NODE_OPTIONS: `--import ${NO_TSX}` }, timeoutMs: 60_000 });
    const ms = performance.now() - started;
    console.log(`holdout --help: ${Math.round(ms)} ms wall time`);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: holdout");
    expect(result.stdout).toContain("leaderboard");
  });
});
