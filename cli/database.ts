import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { databaseName, ensureDatabase, withDatabase } from "@/lib/database/admin";
import { startEmbeddedPostgres } from "@/lib/database/embedded";
import { migrate } from "@/lib/database/migrate";
import { env } from "@/lib/env";

export const APP_DATABASE = "holdout";

export interface ResolvedDatabase {
  url: string;
  /** "external" (DATABASE_URL), "embedded" (started here) or "embedded-running" (another holdout process's). */
  kind: "external" | "embedded" | "embedded-running";
  stop(): Promise<void>;
}

export function holdoutHome(): string {
  return path.resolve(env().HOLDOUT_HOME);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * The database every command uses: DATABASE_URL when set; otherwise the embedded PostgreSQL in
 * .holdout/pg, joining the one `holdout start` is already running, or starting it ourselves.
 * Migrations are applied either way, so every command sees the current schema.
 */
export async function resolveDatabase(log: (line: string) => void = () => {}): Promise<ResolvedDatabase> {
  const configured = env().DATABASE_URL;
  if (configured) {
    await ensureDatabase(withDatabase(configured, "postgres"), databaseName(configured)).catch(() => {
      // No right to create databases, or it exists: migrate() below gives the real error if any.
    });
    await migrate(configured, { log });
    return { url: configured, kind: "external", stop: async () => {} };
  }
  const dataDir = path.join(holdoutHome(), "pg");
  const portFile = `${dataDir}.port`;
  if (existsSync(path.join(dataDir, "postmaster.pid")) && existsSync(portFile)) {
    const port = Number((await readFile(portFile, "utf8")).trim());
    const url = `postgresql://holdout:holdout@127.0.0.1:${port}/${APP_DATABASE}`;
    if (await canConnect(url)) {
      await migrate(url, { log });
      return { url, kind: "embedded-running", stop: async () => {} };
    }
  }
  const server = await startEmbeddedPostgres({ dataDir, log: (line) => log(line) });
  await ensureDatabase(server.serverUrl, APP_DATABASE);
  const url = server.databaseUrl(APP_DATABASE);
  await migrate(url, { log });
  return { url, kind: "embedded", stop: () => server.stop() };
}
