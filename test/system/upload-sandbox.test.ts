/**
 * Uploads are checked in sandboxed children, not in the web process (issue 11):
 * - while the UpSampling2D(300) model is being checked, /api/health answers within 1 s, the
 *   upload is refused with a message, and the web server's own resident memory stays put;
 * - 30 parallel uploads by one student for the last slot of the day get 201 or 429, never 500
 *   (or 503: the checks queue), and exactly one is accepted.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createApiToken } from "@/lib/tokens/tokens";
import { tinyMlpFiles } from "@/scripts/load/tiny-model";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { upsamplingBombKeras } from "@/test/helpers/hostile-model";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { listeningPid } from "@/test/helpers/system";
import { client } from "@/test/integration/api/helpers";

let database: TestDatabase;
let server: TestServer;
let token: string;
let adaId: string;

/** Resident memory of the web server's own process (not its check children), MiB. */
function webRss(): number {
  const status = readFileSync(`/proc/${listeningPid(Number(new URL(server.url).port))}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  await database.prisma.competition.update({ where: { slug: "mnist" }, data: { dailyLimit: 1000 } });
  const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
  adaId = ada.id;
  token = (await createApiToken(database.prisma, ada.id, "sandbox")).token;
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "100000" } });
  // Warm the upload path (spare children, the engine's measured speed).
  const warm = await client(server.url, token).submit("mnist", { kind: "weights", preprocessing: "raw" }, tinyMlpFiles(1));
  expect(warm.status).toBe(201);
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("upload checks in the sandbox", () => {
  it("refuses the UpSampling2D(300) model with a message while /api/health answers within 1 s and the web process does not grow", async () => {
    const before = webRss();
    let slowestHealthMs = 0;
    let healthChecks = 0;
    let done = false;
    const health = (async () => {
      while (!done) {
        const started = performance.now();
        const response = await fetch(`${server.url}/api/health`);
        await response.arrayBuffer();
        slowestHealthMs = Math.max(slowestHealthMs, performance.now() - started);
        healthChecks++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const started = performance.now();
    const refused = await client(server.url, token).submit("mnist", { kind: "weights" }, [await upsamplingBombKeras()]);
    const checkMs = performance.now() - started;
    // Keep probing health a little after the answer (a check that went on in the background would show here).
    await new Promise((resolve) => setTimeout(resolve, 500));
    done = true;
    await health;
    const after = webRss();
    console.info(`hostile upload answered in ${Math.round(checkMs)} ms; health: ${healthChecks} requests, slowest ${Math.round(slowestHealthMs)} ms; web RSS ${Math.round(before)} -> ${Math.round(after)} MiB`);

    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toMatch(/would take at least [\d,]+ s on this server/);
    expect(JSON.stringify(refused.body)).not.toMatch(/\/work\/|node_modules|\/tmp\//);
    expect(healthChecks).toBeGreaterThan(0);
    expect(slowestHealthMs).toBeLessThan(1000);
    expect(after - before).toBeLessThan(64);
  });

  it("30 parallel uploads for the last slot: only 201 or 429, exactly one accepted", async () => {
    const used = await database.prisma.submission.count({ where: { userId: adaId } });
    await database.prisma.competition.update({ where: { slug: "mnist" }, data: { dailyLimit: used + 1 } });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => client(server.url, token).submit("mnist", { kind: "weights", preprocessing: "raw" }, tinyMlpFiles(100 + i))));
    const statuses = answers.map((a) => a.status);
    console.info(`30 parallel uploads: ${JSON.stringify(Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length])))}`);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(await database.prisma.submission.count({ where: { userId: adaId } })).toBe(used + 1);
  });
});
