import { createHash } from "node:crypto";
import { mkdtemp, mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { migrate, MIGRATIONS_DIR, readMigrations } from "@/lib/database/migrate";
import { pendingSchemaChanges } from "@/scripts/db-migrations";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
});

async function freshDatabase() {
  const database = await createTestDatabase({ migrate: false });
  databases.push(database);
  return database;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("migration runner", () => {
  it("applies every committed migration and records it exactly as Prisma does", async () => {
    const { url } = await freshDatabase();
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);

    const applied = await migrate(url);
    expect(applied).toEqual(migrations.map((m) => m.name));

    const rows = await query<{ id: string; checksum: string; migration_name: string; finished_at: Date; applied_steps_count: number; rolled_back_at: Date | null }>(
      url,
      `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    for (const [index, row] of rows.entries()) {
      const file = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
      expect(row.migration_name).toBe(migrations[index].name);
    }
    // The column layout Prisma's `migrate deploy` reads.
    const columns = await query<{ column_name: string; data_type: string }>(
      url,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name}:${c.data_type}`)).toEqual([
      "id:character varying",
      "checksum:character varying",
      "finished_at:timestamp with time zone",
      "migration_name:character varying",
      "logs:text",
      "rolled_back_at:timestamp with time zone",
      "started_at:timestamp with time zone",
      "applied_steps_count:integer",
    ]);
  });

  it("is idempotent and safe when two processes migrate at once", async () => {
    const { url } = await freshDatabase();
    const [first, second] = await Promise.all([migrate(url), migrate(url)]);
    expect([...first, ...second].sort()).toEqual((await readMigrations()).map((m) => m.name));
    expect(await migrate(url)).toEqual([]);
    const [{ count }] = await query<{ count: string }>(url, `SELECT count(*) FROM "_prisma_migrations"`);
    expect(Number(count)).toBe((await readMigrations()).length);
  });

  it("records a failed migration, refuses to go on, and names it", async () => {
    const { url } = await freshDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "holdout-migrations-"));
    await mkdir(path.join(dir, "001_ok"));
    await writeFile(path.join(dir, "001_ok", "migration.sql"), `CREATE TABLE "a" (id int);`);
    await mkdir(path.join(dir, "002_broken"));
    await writeFile(path.join(dir, "002_broken", "migration.sql"), `CREATE TABLE "b" (id int); SELECT no_such_function();`);

    await expect(migrate(url, { dir })).rejects.toThrow(/002_broken failed: .*no_such_function/);
    // The broken migration's statements were rolled back together.
    expect(await query(url, `SELECT to_regclass('public.b') AS t`)).toEqual([{ t: null }]);
    await expect(migrate(url, { dir })).rejects.toThrow(/002_broken failed earlier.*rolled back/);
  });

  it("refuses a migration edited after it was applied", async () => {
    const { url } = await freshDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "holdout-migrations-"));
    await mkdir(path.join(dir, "001_table"));
    await writeFile(path.join(dir, "001_table", "migration.sql"), `CREATE TABLE "a" (id int);`);
    await migrate(url, { dir });
    await writeFile(path.join(dir, "001_table", "migration.sql"), `CREATE TABLE "a" (id bigint);`);
    await expect(migrate(url, { dir })).rejects.toThrow(/001_table was changed after it was applied/);
  });
});

describe("schema.prisma and the migrations", () => {
  it("agree: replaying the migrations yields exactly the schema", async () => {
    const sql = await pendingSchemaChanges(inject("postgresServerUrl"));
    expect(sql, "run: npx tsx scripts/db-migrations.ts create <name>").toBe("");
  });
});
