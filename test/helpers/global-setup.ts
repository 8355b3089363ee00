import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/database/embedded";
import { ensureChildBundle } from "@/lib/sandbox/child-bundle";
import { ensureBundle } from "@/lib/build/bundles.mjs";
import { projectRoot } from "@/lib/sandbox/paths";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server URL (its `postgres` database); each test file makes its own database on it. */
    postgresServerUrl: string;
  }
}

/**
 * Tests run against a real PostgreSQL: DATABASE_URL's server when set, otherwise an embedded
 * one started here for the whole run, in a temporary directory removed afterwards.
 */
export default async function setup(project: TestProject) {
  // Upload checks and worker jobs run the compiled sandbox child: never a stale one.
  await ensureChildBundle();
  // Every CLI test runs bin/holdout.mjs: build its bundle once here rather than in the first of many at once.
  await ensureBundle(projectRoot(), "cli");
  if (process.env.DATABASE_URL) {
    project.provide("postgresServerUrl", process.env.DATABASE_URL);
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "holdout-test-pg-"));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, "data") });
  project.provide("postgresServerUrl", server.serverUrl);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
