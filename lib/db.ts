import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

/**
 * The one Prisma client of a process (web, worker or CLI). Kept on globalThis so Next's dev
 * server, which re-evaluates modules on every change, does not open a new pool each time.
 */
const globalForPrisma = globalThis as unknown as { holdoutPrisma?: PrismaClient; holdoutPrismaUrl?: string };

export function createPrismaClient(databaseUrl: string, options: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set. Start Holdout with `npm start` (it runs an embedded PostgreSQL) or set DATABASE_URL.");
  return url;
}

/** The shared client, created on first use so importing this module does no work. */
export function db(): PrismaClient {
  const url = databaseUrl();
  if (!globalForPrisma.holdoutPrisma || globalForPrisma.holdoutPrismaUrl !== url) {
    globalForPrisma.holdoutPrisma = createPrismaClient(url);
    globalForPrisma.holdoutPrismaUrl = url;
  }
  return globalForPrisma.holdoutPrisma;
}

export * from "./generated/prisma/client";
