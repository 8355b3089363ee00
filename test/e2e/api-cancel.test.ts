import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submissionsLeftToday } from "@/lib/submissions/queries";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { client, fixture, seedApiWorld, type ApiWorld } from "@/test/integration/api/helpers";

let database: TestDatabase;
let server: TestServer;
let world: ApiWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  world = await seedApiWorld(database.prisma);
  server = await startTestServer({ databaseUrl: database.url });
}, 300_000);
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("cancelling a queued submission", () => {
  it("works for its owner while it waits, gives the daily slot back, and is refused otherwise", { timeout: 120_000 }, async () => {
    const ada = client(server.url, world.tokens.ada);
    const created = await ada.submit("race-mnist", { kind: "weights", preprocessing: "raw" }, [fixture("keras2-h5-mnist-cnn", "mnist1.h5")]);
    expect(created.status).toBe(201);
    const id = created.body.submission.id as string;
    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug: "race-mnist" } });
    expect((await submissionsLeftToday(database.prisma, competition.id, 2, world.users.ada.id)).left).toBe(1);

    // Another student, and the course's instructor, cannot cancel it (no worker runs here).
    expect((await client(server.url, world.tokens.alan).post(`/api/v1/submissions/${id}/cancel`, "")).status).toBe(404);
    expect((await client(server.url, world.tokens.instructor).post(`/api/v1/submissions/${id}/cancel`, "")).status).toBe(404);

    const cancelled = await ada.post(`/api/v1/submissions/${id}/cancel`, "");
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.submission.status).toBe("CANCELLED");
    const job = await database.prisma.job.findFirstOrThrow({ where: { submissionId: id } });
    expect(job.status).toBe("CANCELLED");
    expect((await submissionsLeftToday(database.prisma, competition.id, 2, world.users.ada.id)).left).toBe(2);

    const again = await ada.post(`/api/v1/submissions/${id}/cancel`, "");
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/cancelled, not waiting in the queue/);
  });
});
