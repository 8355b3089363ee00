/**
 * The honest leaderboard through the real server: intervals and ties in the API and on the page,
 * per-example results never in a response, copies flagged to the instructor only (two students
 * upload the same fixture file), the shake-up view for students after the close.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { integrityReport } from "@/lib/leaderboard/integrity";
import { packBits } from "@/lib/scoring";
import { createSubmission } from "@/lib/submissions/create-submission";
import { createApiToken } from "@/lib/tokens/tokens";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { FIXTURE_MODELS, fixtureModelFiles } from "@/test/helpers/fixtures";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { fetchText } from "@/test/helpers/system";
import { sessionCookie } from "@/test/integration/api/helpers";

let database: TestDatabase;
let server: TestServer;
const ids: Record<string, string> = {};
const submissions: Record<string, string> = {};
const PER_EXAMPLE_KEYS = /publicCorrect|privateCorrect|publicPredictions|trainSliceScore/;

/** Scored as the worker would store it: scores, per-example bitsets, the report's split sizes. */
async function markScored(submissionId: string, publicCorrect: number, privateCorrect: number) {
  const prisma = database.prisma;
  await prisma.submission.update({ where: { id: submissionId }, data: { status: "SCORED", finishedAt: new Date() } });
  await prisma.score.create({
    data: {
      submissionId,
      publicScore: publicCorrect / 3000,
      privateScore: privateCorrect / 7000,
      publicCorrect: packBits(Array.from({ length: 3000 }, (_, i) => i < publicCorrect)),
      privateCorrect: packBits(Array.from({ length: 7000 }, (_, i) => i < privateCorrect)),
      publicPredictions: new Uint8Array(3000),
      trainSliceScore: 0.995,
    },
  });
  await prisma.report.create({ data: { submissionId, metrics: {}, splitInfo: { publicCount: 3000, privateCount: 7000 } } });
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  for (const [key, email] of [
    ["instructor", "instructor@holdout.test"],
    ["ada", "ada@holdout.test"],
    ["alan", "alan@holdout.test"],
  ] as const) {
    ids[key] = (await database.prisma.user.findUniqueOrThrow({ where: { email } })).id;
  }
  // Two students upload the same fixture file (through the real upload path: sandboxed check, stored blobs).
  const fixture = FIXTURE_MODELS.keras2H5Mnist;
  for (const who of ["ada", "alan"] as const) {
    const { submission } = await createSubmission(database.prisma, { userId: ids[who], competitionSlug: "mnist", kind: "weights", preprocessing: fixture.preprocessing, files: await fixtureModelFiles(fixture.dir) });
    submissions[who] = submission.id;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // One image apart: tied on the board.
  await markScored(submissions.ada, 2970, 6930);
  await markScored(submissions.alan, 2969, 6929);
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "100000" } });
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("the leaderboard tells the truth", () => {
  it("the API gives each entry its interval and tie, and no per-example results", async () => {
    const { token } = await createApiToken(database.prisma, ids.ada, "test");
    const response = await fetchText(`${server.url}/api/v1/competitions/mnist/leaderboard`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body) as { rows: Array<{ entrant: { name: string }; interval: { low: number; high: number }; tiedWithAbove: boolean | null; examples: number }> };
    expect(body.rows.map((row) => row.tiedWithAbove)).toEqual([false, true]);
    expect(body.rows[0].interval.low).toBeCloseTo(0.985754925826242, 9);
    expect(body.rows[0].examples).toBe(3000);
    expect(response.body).not.toMatch(PER_EXAMPLE_KEYS);
    // The report API: the score's interval, nothing per-example.
    const report = await fetchText(`${server.url}/api/v1/submissions/${submissions.ada}/report`, { headers: { Authorization: `Bearer ${token}` } });
    expect(report.status).toBe(200);
    expect(report.body).not.toMatch(PER_EXAMPLE_KEYS);
    const submission = await fetchText(`${server.url}/api/v1/submissions/${submissions.ada}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(submission.status).toBe(200);
    expect(submission.body).not.toMatch(PER_EXAMPLE_KEYS);
    expect(submission.body).toContain("publicInterval");
  });

  it("the page shows intervals, the tie and its explanation", async () => {
    const cookie = await sessionCookie(server.url, "ada@holdout.test");
    const page = await fetchText(`${server.url}/c/mnist/leaderboard`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-testid="tied"');
    expect(page.body).toContain("could be chance");
    expect(page.body).toContain("98.6–99.3 %");
    expect(page.body).not.toMatch(PER_EXAMPLE_KEYS);
  });

  it("the same fixture file from two students is flagged to the instructor only, with who submitted first", async () => {
    const report = await integrityReport(database.prisma, (await database.prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } })).id);
    expect(report.copies).toHaveLength(1);
    expect(report.copies[0]).toMatchObject({ kind: "same-file", first: { submissionId: submissions.ada }, second: { submissionId: submissions.alan } });
    // Both are near 99% on the test set and 99.5% on the training slice: not flagged as trained on the test set.
    expect(report.contamination).toEqual([]);

    const instructor = await fetchText(`${server.url}/c/mnist/manage/submissions`, { headers: { cookie: await sessionCookie(server.url, "instructor@holdout.test") } });
    expect(instructor.status).toBe(200);
    expect(instructor.body).toContain("Same model file");
    expect(instructor.body).toContain('data-testid="copy-flags"');

    const student = await sessionCookie(server.url, "alan@holdout.test");
    const studentPages = ["/c/mnist/manage/submissions", "/c/mnist", "/c/mnist/leaderboard", `/c/mnist/submissions/${submissions.alan}`];
    for (const pathname of studentPages) {
      const page = await fetchText(`${server.url}${pathname}`, { headers: { cookie: student } });
      expect(page.body, pathname).not.toContain("Same model file");
      expect(page.body, pathname).not.toContain("Possible copies");
    }
    expect((await fetchText(`${server.url}/c/mnist/manage/submissions`, { headers: { cookie: student } })).status).toBe(403);
    const { token } = await createApiToken(database.prisma, ids.alan, "test");
    for (const pathname of ["/api/v1/competitions/mnist/leaderboard", "/api/v1/competitions/mnist/submissions", `/api/v1/submissions/${submissions.alan}/report`]) {
      const answer = await fetchText(`${server.url}${pathname}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(answer.body, pathname).not.toMatch(/same-file|near-identical|copies/);
    }
  });

  it("the shake-up view: students after the close, not before", async () => {
    const cookie = await sessionCookie(server.url, "ada@holdout.test");
    expect((await fetchText(`${server.url}/c/mnist/shake-up`, { headers: { cookie } })).status).toBe(403);
    const staff = await fetchText(`${server.url}/c/mnist/shake-up`, { headers: { cookie: await sessionCookie(server.url, "instructor@holdout.test") } });
    expect(staff.status).toBe(200);
    await database.prisma.competition.update({ where: { slug: "mnist" }, data: { closesAt: new Date(Date.now() - 60_000) } });
    const after = await fetchText(`${server.url}/c/mnist/shake-up`, { headers: { cookie } });
    expect(after.status).toBe(200);
    expect(after.body).toContain('data-testid="shake-up"');
    expect(after.body).toContain("Public rank");
    // Both intervals: public (2,970 of 3,000) and private (6,930 of 7,000).
    expect(after.body).toContain("98.6–99.3 %");
    expect(after.body).toContain("98.7–99.2 %");
  });
});
