import type { PrismaClient } from "@/lib/db";

export interface Health {
  status: "ok" | "degraded";
  database: { up: boolean; latencyMs?: number; error?: string };
  workers: { seenLastMinute: number };
  time: string;
}

/** What /api/health reports: whether the database answers and how many workers are alive. */
export async function checkHealth(prisma: PrismaClient): Promise<Health> {
  const started = performance.now();
  try {
    await prisma.$queryRaw`SELECT 1`;
    const latencyMs = Math.round(performance.now() - started);
    const seenLastMinute = await prisma.worker.count({ where: { lastSeenAt: { gte: new Date(Date.now() - 60_000) } } });
    return { status: "ok", database: { up: true, latencyMs }, workers: { seenLastMinute }, time: new Date().toISOString() };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { status: "degraded", database: { up: false, error: message }, workers: { seenLastMinute: 0 }, time: new Date().toISOString() };
  }
}
