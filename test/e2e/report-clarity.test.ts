/**
 * Report clarity (issue #14, part 5) in Chromium against the real server: overtraining shaded only
 * beyond the visible margin, chart labels above the plot (never on the curves), accuracy axis
 * labels inside the chart, the same score text on the report and the leaderboard, and the
 * competition page's chart of the student's public scores with the baselines as lines. Reports
 * are written directly in the worker's shapes, so no model runs here.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "@/lib/db";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { launchBrowser, SCREENSHOT_DIR, screenshot, signInAs } from "@/test/helpers/browser";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { formatScore } from "@/web/view/format";

let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let page: Page;
const ids = { instructor: "", ada: "", competition: "" };

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  ids.instructor = (await database.prisma.user.findUniqueOrThrow({ where: { email: "instructor@holdout.test" } })).id;
  ids.ada = (await database.prisma.user.findUniqueOrThrow({ where: { email: "ada@holdout.test" } })).id;
  ids.competition = (await database.prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } })).id;
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_SIGNIN_LIMIT: "1000" } });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "America/New_York" })).newPage();
  await signInAs(page, server.url, "ada@holdout.test", DEFAULT_DEMO_PASSWORD);
}, 600_000);

afterAll(async () => {
  if (server) {
    await mkdir(path.dirname(SCREENSHOT_DIR), { recursive: true });
    await writeFile(path.join(path.dirname(SCREENSHOT_DIR), "report-clarity-server.log"), server.logs());
  }
  await browser?.close();
  await server?.stop();
  await database?.drop();
});

/** Eight epochs: validation loss bottoms out at epoch `best` and then rises by `rise` per epoch. */
function epochs(best: number, rise: number) {
  return Array.from({ length: 8 }, (_, i) => {
    const epoch = i + 1;
    const loss = 0.9 / epoch;
    const valLoss = epoch <= best ? 1.0 / epoch : 1.0 / best + rise * (epoch - best);
    return { epoch, loss, accuracy: 0.8 + 0.02 * epoch, valLoss, valAccuracy: 0.79 + 0.015 * Math.min(epoch, best), seconds: 2 };
  });
}

async function scored(userId: string, publicScore: number, options: { createdAt?: Date; baselineLabel?: string; curves?: ReturnType<typeof epochs>; overfitStartEpoch?: number | null } = {}) {
  const curves = options.curves;
  return database.prisma.submission.create({
    data: {
      competitionId: ids.competition,
      userId,
      kind: "DEFINITION",
      format: "architecture",
      status: "SCORED",
      isBaseline: options.baselineLabel !== undefined,
      baselineLabel: options.baselineLabel ?? null,
      createdAt: options.createdAt ?? new Date(),
      finishedAt: new Date(),
      progress: { phase: "SCORED" },
      score: { create: { publicScore, privateScore: publicScore - 0.002, publicLoss: 0.1, privateLoss: 0.11 } },
      ...(curves
        ? {
            report: {
              create: {
                backend: "wasm",
                examplesPerSecond: 1000,
                curves: { source: "training", epochs: curves, bestEpoch: 4, overfitStartEpoch: options.overfitStartEpoch ?? null, generalizationGap: curves.map((e) => e.valLoss - e.loss) } as Prisma.InputJsonValue,
              },
            },
          }
        : {}),
    },
  });
}

/** The y-axis tick labels of a chart: tick texts left of the plot (Recharts draws them in its own layers). */
async function yAxisTicks(chart: Locator): Promise<Array<{ text: string; box: { x: number; y: number; width: number; height: number } }>> {
  const grid = await chart.locator(".recharts-cartesian-grid").first().boundingBox();
  const ticks = [];
  for (const tick of await chart.locator(".recharts-cartesian-axis-tick-value").all()) {
    const box = await tick.boundingBox();
    if (grid && box && box.x + box.width <= grid.x + 2) ticks.push({ text: ((await tick.textContent()) ?? "").trim(), box });
  }
  return ticks;
}

describe("the report's training curves", () => {
  it("shades overtraining beyond the visible margin, with labels above the plot and accuracy ticks inside the chart", async () => {
    const submission = await scored(ids.ada, 0.98765, { curves: epochs(4, 0.05), overfitStartEpoch: 4 });
    await page.goto(`${server.url}/c/mnist/submissions/${submission.id}`);
    const curves = page.getByTestId("training-curves");
    await curves.locator(".recharts-line").first().waitFor();
    expect(await curves.locator(".recharts-reference-area").count()).toBeGreaterThan(0);
    await expect(curves.textContent()).resolves.toContain("shaded where it is more than");

    for (const figure of await curves.locator("figure").all()) {
      const grid = await figure.locator(".recharts-cartesian-grid").boundingBox();
      const svg = await figure.locator("svg:has(.recharts-cartesian-grid)").first().boundingBox();
      expect(grid && svg).toBeTruthy();
      // "best: 4" sits above the plot, where no curve is drawn.
      const label = figure.locator("text.recharts-label", { hasText: "best: 4" });
      const box = await label.boundingBox();
      expect(box, "best-epoch label").not.toBeNull();
      expect(box!.y + box!.height).toBeLessThanOrEqual(grid!.y + 1);
      expect(box!.y).toBeGreaterThanOrEqual(svg!.y);
      // Every y-axis label (left of the plot) lies inside the chart: none is cut off at the left edge.
      const ticks = await yAxisTicks(figure);
      expect(ticks.length).toBeGreaterThan(1);
      for (const tick of ticks) expect(tick.box.x).toBeGreaterThanOrEqual(svg!.x);
    }
    const accuracyTicks = (await yAxisTicks(curves.locator("figure").nth(1))).map((tick) => tick.text);
    for (const tick of accuracyTicks) expect(tick).toMatch(/^\d+(\.\d)?%$/);
    await screenshot(page, "report-curves-shaded");
  }, 120_000);

  it("shades nothing when validation loss rises by less than the margin, and says so", async () => {
    // Best 0.25 at epoch 4, then +0.001 per epoch: at most 0.004, under the margin (1% of the chart's 1.0).
    const submission = await scored(ids.ada, 0.95, { curves: epochs(4, 0.001), overfitStartEpoch: 4 });
    await page.goto(`${server.url}/c/mnist/submissions/${submission.id}`);
    const curves = page.getByTestId("training-curves");
    await curves.locator(".recharts-line").first().waitFor();
    expect(await curves.locator(".recharts-reference-area").count()).toBe(0);
    await expect(curves.textContent()).resolves.toContain("so nothing is shaded");
  }, 120_000);
});

describe("scores and the competition page's chart", () => {
  it("shows a score with the leaderboard's decimals, and the student's scores over time with the baselines as lines", async () => {
    const hour = 3600_000;
    await scored(ids.ada, 0.9612, { createdAt: new Date(Date.now() - 30 * hour) });
    const best = await scored(ids.ada, 0.97345, { createdAt: new Date(Date.now() - 5 * hour) });
    await scored(ids.instructor, 0.9781, { baselineLabel: "MLP" });
    await scored(ids.instructor, 0.9902, { baselineLabel: "CNN" });

    await page.goto(`${server.url}/c/mnist/submissions/${best.id}`);
    const reportScore = (await page.getByTestId("public-score").textContent()) ?? "";
    expect(reportScore).toContain(formatScore(0.97345));
    expect(formatScore(0.97345)).toBe("97.345 %");
    await page.goto(`${server.url}/c/mnist/leaderboard`);
    const adaRow = page.locator("tbody tr", { hasText: "Ada" }).first();
    await adaRow.waitFor();
    // ada's best public score (0.98765, from the first test) with the same decimals as the report's.
    await expect(adaRow.textContent()).resolves.toContain(formatScore(0.98765));

    await page.goto(`${server.url}/c/mnist`);
    const chart = page.getByTestId("score-history");
    await chart.locator(".recharts-line").first().waitFor();
    expect(await chart.locator(".recharts-line-dots circle").count()).toBe(4);
    expect(await chart.locator(".recharts-reference-line").count()).toBe(2);
    const keys = await chart.getByTestId("baseline-key").allTextContents();
    expect(keys).toEqual([`baseline CNN: ${formatScore(0.9902)}`, `baseline MLP: ${formatScore(0.9781)}`]);
    await expect(chart.textContent()).resolves.toContain(`best ${formatScore(0.98765)}`);
    const ticks = await yAxisTicks(chart);
    expect(ticks.length).toBeGreaterThan(1);
    for (const tick of ticks) expect(tick.text).toMatch(/^\d+(\.\d)?%$/);
    await screenshot(page, "competition-score-history");
  }, 120_000);
});
