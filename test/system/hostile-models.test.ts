/**
 * The file-read attack of issue 11, through the real upload route of a real server: Keras files
 * whose weights live outside the file (HDF5 external storage with absolute and relative names,
 * an external link, a virtual dataset; as .h5 and inside a .keras). The test writes a canary
 * file where the relative names point (the server's working directory) and a second copy
 * beside the system's temporary files, then checks that every upload is refused with a message
 * and that neither the canary's bytes nor the server's /etc/hostname come back in any answer.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createApiToken } from "@/lib/tokens/tokens";
import { sharedDir } from "@/test/helpers/fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { REPO_ROOT } from "@/test/helpers/system";
import { client } from "@/test/integration/api/helpers";

const HOSTILE_FILES = [
  "external-storage-absolute.h5",
  "external-storage-relative.h5",
  "external-link.h5",
  "virtual-dataset.h5",
  "external-storage-in-keras.keras",
];

/** 31,360 bytes (the size the fixtures ask for) of a pattern that can be searched for. */
const CANARY_TEXT = "HOLDOUT-CANARY-7f3a9c";
const CANARY = Buffer.alloc(31_360, CANARY_TEXT);
/** As float32 the canary bytes decode to these numbers; a leak through predictions or an error would carry them. */
const CANARY_FLOATS = Array.from(new Float32Array(CANARY.buffer.slice(CANARY.byteOffset, CANARY.byteOffset + 16)));
const canaryPaths = [path.join(REPO_ROOT, "holdout-canary.bin"), path.join(os.tmpdir(), "holdout-canary.bin"), path.join(REPO_ROOT, "linked-source.h5")];

let database: TestDatabase;
let server: TestServer;
let token: string;
const hostname = readFileSync("/etc/hostname", "utf8").trim();

beforeAll(async () => {
  writeFileSync(canaryPaths[0], CANARY);
  writeFileSync(canaryPaths[1], CANARY);
  writeFileSync(canaryPaths[2], readFileSync(path.join(sharedDir(), "fixtures/hostile/src/linked-source.h5")));
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  await database.prisma.competition.update({ where: { slug: "mnist" }, data: { dailyLimit: 100 } });
  const ada = await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } });
  token = (await createApiToken(database.prisma, ada.id, "hostile")).token;
  server = await startTestServer({ databaseUrl: database.url });
}, 300_000);

afterAll(async () => {
  for (const file of canaryPaths) rmSync(file, { force: true });
  await server?.stop();
  await database?.drop();
});

function expectNoLeak(text: string) {
  expect(text).not.toContain(CANARY_TEXT);
  expect(text).not.toContain(CANARY.subarray(0, 8).toString("base64"));
  for (const value of CANARY_FLOATS) expect(text).not.toContain(String(value).slice(0, 8));
  if (hostname.length >= 4) expect(text).not.toContain(hostname);
  // No server path either.
  expect(text).not.toContain(REPO_ROOT);
  expect(text).not.toContain(os.tmpdir() + "/");
}

describe("model files that keep their weights outside the file", () => {
  it.each(HOSTILE_FILES)("%s is refused at upload with a message, and nothing outside it is read", async (name) => {
    const data = new Uint8Array(readFileSync(path.join(sharedDir(), "fixtures/hostile", name)));
    const response = await client(server.url, token).submit("mnist", { kind: "weights", preprocessing: "1/255" }, [{ name, data }]);
    const text = JSON.stringify(response.body);
    expect(response.status, text).toBe(422);
    expect(text).toMatch(/keeps data outside the file/);
    expect(text).toMatch(/model\.save/);
    expectNoLeak(text);
  });

  it("left nothing behind: no submission, no stored file, the daily slot unused", async () => {
    expect(await database.prisma.submission.count()).toBe(0);
    expect(await database.prisma.blob.count()).toBe(0);
    const me = await client(server.url, token).get("/api/v1/competitions/mnist");
    expectNoLeak(JSON.stringify(me.body));
    expect(server.logs()).not.toContain(CANARY_TEXT);
  });
});
