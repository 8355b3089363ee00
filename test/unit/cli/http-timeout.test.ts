/**
 * The CLI never hangs on a server that has gone quiet: every request has a timeout with a clear
 * message, and GETs (which change nothing) are tried again. The "server" here is a loopback TCP
 * listener that accepts connections and never answers.
 */
import http from "node:http";
import net from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiGet, RequestTimeoutError, uploadMultipart } from "@/cli/http-client";
import { runHoldout } from "@/test/helpers/cli";

let silent: net.Server;
let silentUrl: string;
let connections = 0;
const sockets = new Set<net.Socket>();
let dir: string;

beforeAll(async () => {
  silent = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.resume(); // reads whatever comes, answers nothing
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  dir = await mkdtemp(path.join(os.tmpdir(), "holdout-timeout-"));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("requests to a server that never answers", () => {
  it("a GET times out with the address and a hint, after trying three times", async () => {
    const before = connections;
    const started = performance.now();
    const error = await apiGet(`${silentUrl}/api/v1/competitions/x/leaderboard`, "t", { timeoutSeconds: 0.3, retries: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toMatch(new RegExp(`^no answer from ${silentUrl} within 0.3 s \\(tried 3 times\\): is the server running\\?`));
    expect(connections - before).toBe(3);
    // 3 x 0.3 s plus 0.5 s and 1.5 s between tries.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("an upload waits for its answer ten times the timeout, then says so", async () => {
    const file = path.join(dir, "model.keras");
    await writeFile(file, Buffer.alloc(1000, 1));
    const started = performance.now();
    const error = await uploadMultipart(`${silentUrl}/api/v1/competitions/x/submissions`, { token: "t", parts: [{ name: "files", filePath: file }], timeoutSeconds: 0.2 }).catch((e: unknown) => e);
    const seconds = (performance.now() - started) / 1000;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toContain(`no answer from ${silentUrl} within 2 s after the upload was sent: is the server running?`);
    expect(seconds).toBeGreaterThan(1.5);
    expect(seconds).toBeLessThan(10);
  });

  it("`holdout leaderboard` stops with the message and exit status 1 (HOLDOUT_TIMEOUT)", async () => {
    const result = await runHoldout(["leaderboard", "--competition", "x", "--url", silentUrl, "--token", "t"], { env: { HOLDOUT_TIMEOUT: "0.3" }, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`holdout: no answer from ${silentUrl} within 0.3 s (tried 3 times): is the server running?`);
  });

  it("`holdout submit` stops with the message and exit status 1", async () => {
    const file = path.join(dir, "model.keras");
    await writeFile(file, Buffer.alloc(1000, 1));
    const result = await runHoldout(["submit", "--competition", "x", "--url", silentUrl, "--token", "t", file], { env: { HOLDOUT_TIMEOUT: "0.2" }, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no answer from ${silentUrl} within 2 s after the upload was sent: is the server running?`);
  });
});

describe("GET retries", () => {
  it("a 503 is asked again and the next answer returned", async () => {
    let hits = 0;
    const server = http.createServer((_request, response) => {
      hits++;
      if (hits === 1) response.writeHead(503).end("restarting");
      else response.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await apiGet(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/x`, "t", { timeoutSeconds: 5 });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ok: true });
      expect(hits).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a refused connection is tried again, then reported as unreachable", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve)); // nothing listens there now
    const error = await apiGet(`http://127.0.0.1:${port}/x`, "t", { timeoutSeconds: 1, retries: 1 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});
