import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
import { dropDatabase, ensureDatabase, withDatabase } from "./admin";

/**
 * Prisma's schema engine, run as WebAssembly so it works offline (the native binary is
 * downloaded on first use, which fails on machines without internet). We only use `diff`:
 * it turns one schema state (empty, a schema.prisma, or a migrations folder) into the SQL
 * that leads to another. Development tooling only; the app never loads this at run time.
 */
type DiffTarget =
  | { tag: "empty" }
  | { tag: "schemaDatamodel"; files: Array<{ path: string; content: string }> }
  | {
      tag: "migrations";
      baseDir: string;
      lockfile: { path: string; content: string | null };
      shadowDbInitScript: string;
      migrationDirectories: Array<{ path: string; migrationFile: { path: string; content: { tag: "ok"; value: string } } }>;
    };

interface Engine {
  diff(params: { from: DiffTarget; to: DiffTarget; script: boolean; exitCode: boolean | null; filters: { externalTables: string[]; externalEnums: string[] } }): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

// The engine reports Rust panics through this global, as Prisma's CLI sets it up.
const panics = { message: "", set_message(message: string) { this.message = message; } };
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof panics }).PRISMA_WASM_PANIC_REGISTRY ??= panics;

async function loadEngineModule() {
  const require = createRequire(import.meta.url);
  const glueFile = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const packageDir = path.dirname(glueFile);
  const glue = await import(glueFile);
  // The package's entry imports the .wasm as an ES module, which Node 20 cannot do: instantiate by hand.
  const bytes = await readFile(path.join(packageDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return glue as { SchemaEngine: { new: (options: unknown, log: (message: string) => void, adapter: unknown) => Promise<Engine> } };
}

/**
 * Returns the SQL that takes a database from `from` to `to`. `shadowDatabaseUrl` is needed only
 * when a side is a migrations folder: the engine replays those migrations in that database.
 */
export async function diffSchemas(from: DiffTarget, to: DiffTarget, shadowDatabaseUrl?: string): Promise<string> {
  const { SchemaEngine } = await loadEngineModule();
  const factory = new PrismaPg({ connectionString: shadowDatabaseUrl ?? "postgresql://unused@127.0.0.1:1/unused" });
  // The engine introspects the shadow database's catalogs, which have columns of Postgres's
  // internal "char" type (OID 18) that the pg adapter refuses (mapCharColumnsToText).
  const connect = factory.connect.bind(factory);
  factory.connect = async () => mapCharColumnsToText(await connect());
  // PrismaPg's own shadow database connects with the base connection string, which overrides
  // the shadow database's name in node-postgres: make our own, on a URL that names it.
  factory.connectToShadowDb = async () => {
    const serverUrl = shadowDatabaseUrl ?? "";
    const name = `holdout_shadow_${randomUUID().replaceAll("-", "")}`;
    await ensureDatabase(serverUrl, name);
    const shadow = await new PrismaPg({ connectionString: withDatabase(serverUrl, name) }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await dropDatabase(serverUrl, name);
    };
    return mapCharColumnsToText(shadow);
  };
  // The engine expects the error-capturing wrapper that Prisma's own CLI puts around adapters.
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
  try {
    const result = await engine.diff({ from, to, script: true, exitCode: null, filters: { externalTables: [], externalEnums: [] } });
    return result.stdout ?? "";
  } catch (error) {
    if (panics.message) throw new Error(`Prisma schema engine panicked: ${panics.message}`);
    throw error;
  } finally {
    engine.free();
  }
}

function mapCharColumnsToText<T>(adapter: T): T {
  type Result = { fields: Array<{ dataTypeID: number }> };
  type RawResult = { columnTypes: number[] };
  const target = adapter as unknown as { performIO: (query: unknown) => Promise<Result>; queryRaw: (query: unknown) => Promise<RawResult> };
  const performIO = target.performIO.bind(target);
  const queryRaw = target.queryRaw.bind(target);
  let charColumns: number[] = [];
  target.performIO = async (query) => {
    const result = await performIO(query);
    charColumns = [];
    result.fields.forEach((field, index) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        field.dataTypeID = PG_TEXT_OID; // accepted by the adapter; fixed up below
        charColumns.push(index);
      }
    });
    return result;
  };
  // The engine reads "char" columns as single characters, so report them as such.
  target.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumns) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return adapter;
}

export async function schemaTarget(schemaPath: string): Promise<DiffTarget> {
  return { tag: "schemaDatamodel", files: [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }] };
}

export function emptyTarget(): DiffTarget {
  return { tag: "empty" };
}

/** The state a migrations folder produces, replayed by the engine in a throwaway shadow database. */
export async function migrationsTarget(baseDir: string): Promise<DiffTarget> {
  const { readdir } = await import("node:fs/promises");
  const { existsSync } = await import("node:fs");
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const entries = existsSync(baseDir) ? await readdir(baseDir, { withFileTypes: true }) : [];
  const directories = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return {
    tag: "migrations",
    baseDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      directories.map(async (name) => ({
        path: name,
        migrationFile: { path: "migration.sql", content: { tag: "ok" as const, value: await readFile(path.join(baseDir, name, "migration.sql"), "utf8") } },
      })),
    ),
  };
}
