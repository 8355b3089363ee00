/**
 * A smaller deadline rush than `npx tsx scripts/load/deadline-rush.ts` runs by default, sized for
 * a 2-core CI machine: 200 students upload a tiny valid TF.js model within 60 s, a third of them
 * more often than the daily limit (the last two of those attempts racing for the last slot).
 *
 * No submission lost or duplicated (201 answers = rows, one job each), daily limits exact
 * (min(attempts, limit) per student, never more), upload latency measured; then the leaderboard
 * API and page timed over 50 requests each on 200 students x 20 scored submissions. The numbers
 * go to test-results/system-numbers.md and .json.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderMarkdown, runDeadlineRush, writeNumbers, type RushReport } from "@/scripts/load/rush";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { REPO_ROOT } from "@/test/helpers/system";

const STUDENTS = Number(process.env.HOLDOUT_RUSH_STUDENTS ?? 200);
const SECONDS = Number(process.env.HOLDOUT_RUSH_SECONDS ?? 60);
const DAILY_LIMIT = 3;

let database: TestDatabase;
let server: TestServer;
let report: RushReport;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "100000" } });
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("deadline rush", () => {
  it(`${STUDENTS} students in ${SECONDS} s: nothing lost or duplicated, daily limits exact; leaderboard timed on 200 x 20`, async () => {
    report = await runDeadlineRush({
      baseUrl: server.url,
      prisma: database.prisma,
      students: STUDENTS,
      seconds: SECONDS,
      dailyLimit: DAILY_LIMIT,
      seed: 20261128,
      board: { students: 200, perStudent: 20, requests: 50 },
      log: (line) => console.info(`[rush] ${line}`),
    });
    console.info(renderMarkdown(report, `Deadline rush (test/system/deadline-rush.test.ts, ${STUDENTS} students, ${SECONDS} s)`));
    await writeNumbers(report, path.join(REPO_ROOT, "test-results"), `Deadline rush (test/system/deadline-rush.test.ts, ${STUDENTS} students, ${SECONDS} s)`);

    expect(report.problems).toEqual([]);
    const { uploads, integrity } = report;
    // The plan really was a rush with students over their limit.
    expect(uploads.attempts).toBeGreaterThan(2 * STUDENTS);
    expect(uploads.overLimitStudents).toBeGreaterThan(STUDENTS / 5);
    expect(uploads.refusedDailyLimit).toBeGreaterThan(0);
    // Every attempt answered: accepted or refused by the limit, nothing else.
    expect(uploads.accepted + uploads.refusedDailyLimit).toBe(uploads.attempts);
    expect(uploads.otherStatuses).toEqual({});
    expect(uploads.networkErrors).toBe(0);
    // No submission lost or duplicated; one job each.
    expect(integrity.rows).toBe(uploads.accepted);
    expect(integrity).toMatchObject({ duplicateIds: 0, acceptedWithoutRow: 0, rowsWithoutAcceptedResponse: 0, rowsWithoutExactlyOneJob: 0, studentsOverLimit: 0, refusalsWithoutRetryAfter: 0 });
    if (!integrity.crossedMidnightUtc) expect(integrity.studentsWithWrongCount).toBe(0);
    // The window was kept (answers did not pile up far past it).
    expect(uploads.elapsedSeconds).toBeLessThan(SECONDS + 60);
    expect(report.leaderboard.rows).toBe(200);
    expect(report.leaderboard.apiMs.count).toBe(50);
    expect(report.leaderboard.pageMs.count).toBe(50);
  });
});
