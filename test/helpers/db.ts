import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { dropDatabase, ensureDatabase, withDatabase } from "@/lib/database/admin";
import { migrate } from "@/lib/database/migrate";
import { createPrismaClient, type PrismaClient } from "@/lib/db";

export interface TestDatabase {
  url: string;
  name: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file, on the run's real PostgreSQL server.
 * Also points DATABASE_URL at it, so code that uses the shared client (lib/db) sees it too.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject("postgresServerUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  await ensureDatabase(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  if (options.migrate !== false) await migrate(url);
  process.env.DATABASE_URL = url;
  const prisma = createPrismaClient(url, { max: 5 });
  return {
    url,
    name,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropDatabase(serverUrl, name);
    },
  };
}
