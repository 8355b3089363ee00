/**
 * Drawn digits through the REST API, as staff would script them: create a collection, add raw
 * canvas drawings (base64 grayscale bytes), read the collection back (the stored 28x28 digits),
 * let students draw until a date, close it, make a test set and create a competition with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preprocessDrawing } from "@/lib/datasets/drawn-digits";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { DIGIT_STROKES, strokeImage } from "@/test/helpers/drawing";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { client, seedApiWorld, type ApiWorld } from "@/test/integration/api/helpers";

let database: TestDatabase;
let server: TestServer;
let world: ApiWorld;

const json = (value: unknown) => ({ body: JSON.stringify(value), init: { headers: { "Content-Type": "application/json" } } });
const raw = (label: number, paper = 0) => strokeImage(DIGIT_STROKES[label], 10, 280, 280, paper);

beforeAll(async () => {
  database = await createTestDatabase();
  world = await seedApiWorld(database.prisma);
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "100000" } });
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("drawn digits over /api/v1", () => {
  it("create, draw, read back, open to students, close, make a test set, attach it to a new competition", { timeout: 300_000 }, async () => {
    const instructor = client(server.url, world.tokens.instructor);
    const ada = client(server.url, world.tokens.ada);
    const post = (c: ReturnType<typeof client>, pathname: string, value: unknown) => {
      const { body, init } = json(value);
      return c.post(pathname, body, init);
    };

    const created = await post(instructor, `/api/v1/courses/${world.courseId}/digit-collections`, { name: "Scripted digits" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.collection.id as string;
    expect((await post(ada, `/api/v1/courses/${world.courseId}/digit-collections`, { name: "x" })).status).toBe(403);
    expect((await post(client(server.url, world.tokens.otherInstructor), `/api/v1/courses/${world.courseId}/digit-collections`, { name: "x" })).status).toBe(404);

    // Ten digits, one of each, light paper and dark ink for the odd ones (as a scanned sheet would be).
    for (let label = 0; label < 10; label++) {
      const pixels = Buffer.from(raw(label, label % 2 ? 255 : 0)).toString("base64");
      const added = await post(instructor, `/api/v1/digit-collections/${id}/digits`, { label, width: 280, height: 280, pixels });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      expect(added.body.perClassCounts[label]).toBe(1);
    }
    const wrongSize = await post(instructor, `/api/v1/digit-collections/${id}/digits`, { label: 1, width: 100, height: 100, pixels: Buffer.from(raw(1)).toString("base64") });
    expect(wrongSize.status).toBe(422);
    expect(wrongSize.body.message).toContain("needs 10000 grayscale bytes");

    // Read back: the stored digits are the server's preprocessing of exactly those bytes.
    const got = await instructor.get(`/api/v1/digit-collections/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.collection).toMatchObject({ count: 10, perClassCounts: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], viewer: { mayManage: true } });
    for (const digit of got.body.collection.digits as Array<{ label: number; pixels: string }>) {
      expect(Buffer.from(digit.pixels, "base64")).toEqual(Buffer.from(preprocessDrawing({ width: 280, height: 280, pixels: raw(digit.label) }).pixels));
    }
    // A student sees counts, not the drawings, and may not draw yet.
    const asAda = await ada.get(`/api/v1/digit-collections/${id}`);
    expect(asAda.body.collection).toMatchObject({ count: 10, digits: [], viewer: { mayDraw: false } });
    expect((await post(ada, `/api/v1/digit-collections/${id}/digits`, { label: 4, width: 280, height: 280, pixels: Buffer.from(raw(4)).toString("base64") })).status).toBe(403);

    // Students may draw until tomorrow; then the instructor closes it to them.
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const patch = (value: unknown) => fetch(`${server.url}/api/v1/digit-collections/${id}`, { method: "PATCH", body: JSON.stringify(value), headers: { Authorization: `Bearer ${world.tokens.instructor}`, "Content-Type": "application/json" } });
    const opened = await patch({ studentsMayDraw: true, studentsUntil: until });
    expect(opened.status).toBe(200);
    expect((await opened.json()).collection).toMatchObject({ openToStudents: true, studentsUntil: until });
    expect((await post(ada, `/api/v1/digit-collections/${id}/digits`, { label: 4, width: 280, height: 280, pixels: Buffer.from(raw(4)).toString("base64") })).status).toBe(201);
    expect((await patch({ close: true })).status).toBe(200);
    expect((await post(ada, `/api/v1/digit-collections/${id}/digits`, { label: 4, width: 280, height: 280, pixels: Buffer.from(raw(4)).toString("base64") })).status).toBe(403);

    const list = await instructor.get(`/api/v1/courses/${world.courseId}/digit-collections`);
    expect(list.body.collections).toEqual([expect.objectContaining({ id, count: 11, openToStudents: false })]);
    expect((await ada.get(`/api/v1/courses/${world.courseId}/digit-collections`)).status).toBe(403);

    // The test set, then a competition that uses it.
    expect((await post(ada, `/api/v1/digit-collections/${id}/test-set`, {})).status).toBe(403);
    const made = await post(instructor, `/api/v1/digit-collections/${id}/test-set`, { name: "Scripted set" });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.testSet).toMatchObject({ name: "Scripted set", count: 11, shape: [28, 28, 1], perClassCounts: [1, 1, 1, 1, 2, 1, 1, 1, 1, 1] });
    const competition = await post(instructor, `/api/v1/courses/${world.courseId}/competitions`, {
      slug: "scripted-drawn",
      title: "Scripted drawn digits",
      datasetId: "mnist",
      opensAt: "2026-09-01T00:00:00Z",
      closesAt: "2026-10-01T00:00:00Z",
      testSetId: made.body.testSet.id,
    });
    expect(competition.status, JSON.stringify(competition.body)).toBe(201);
    expect((await database.prisma.competition.findUniqueOrThrow({ where: { slug: "scripted-drawn" } })).testSetId).toBe(made.body.testSet.id);
  });
});
