/**
 * Issue 14's "done when": after `holdout start` on a fresh data directory, the demo mnist
 * competition shows the MLP and CNN reference baselines with scores and curves once the worker has
 * trained them, and the CNN beats the MLP. The demo's training budget is made small with
 * HOLDOUT_DEMO_TRAINING_BUDGET (2 epochs on an evenly spread 5,000 of the 54,000 training images;
 * measured on the 2-core machine: MLP ~90%, CNN ~94% on MNIST's test images, a few minutes for
 * both). Then, in Chromium, a student compares the two baselines and sees both runs' curves on one
 * chart. A second start queues nothing again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "@/lib/database/embedded";
import { launchBrowser, screenshot, signInAs } from "@/test/helpers/browser";
import { buildOnce } from "@/test/helpers/server";
import { sessionCookie } from "@/test/integration/api/helpers";

const HOLDOUT = path.resolve(import.meta.dirname, "../../bin/holdout.mjs");
const PASSWORD = "demo-password-1";
const BUDGET = JSON.stringify({ maxEpochs: 2, maxTrainExamples: 5000 });
let home: string;
let port: number;
let browser: Browser | undefined;
const running: ChildProcess[] = [];

function start(): { child: ChildProcess; output: () => string } {
  const env: Record<string, string | undefined> = { ...process.env, HOLDOUT_HOME: home, PORT: String(port), HOLDOUT_DEMO_PASSWORD: PASSWORD, HOLDOUT_DEMO_TRAINING_BUDGET: BUDGET };
  delete env.DATABASE_URL;
  delete env.NEXTAUTH_URL;
  let output = "";
  const child = spawn(process.execPath, [HOLDOUT, "start"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  running.push(child);
  return { child, output: () => output };
}

async function until<T>(what: string, child: ChildProcess, output: () => string, seconds: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`holdout start exited early:\n${output()}`);
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} not within ${seconds} s:\n${output().slice(-6000)}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill("SIGINT");
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

interface BoardRow {
  rank: number | null;
  entrant: { type: string; name: string };
  score: number;
  isBaseline: boolean;
  submissionId: string | null;
}

beforeAll(async () => {
  await buildOnce();
  home = await mkdtemp(path.join(os.tmpdir(), "holdout-baselines-"));
  port = await findFreePort();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  for (const child of running) await stop(child);
  if (home) await rm(home, { recursive: true, force: true });
});

describe("demo reference baselines after npm start", () => {
  it("trains the MLP and CNN baselines at first start, shows them unranked with scores and curves (CNN > MLP), compares them in the browser, and queues nothing on a restart", { timeout: 1_500_000 }, async () => {
    const first = start();
    const url = `http://127.0.0.1:${port}`;
    await until("healthy", first.child, first.output, 900, async () => {
      const response = await fetch(`${url}/api/health`);
      return response.ok && (await response.json()).database.up ? true : null;
    });
    expect(first.output()).toContain("demo baselines queued for mnist: MLP, CNN");

    const cookie = await sessionCookie(url, "ada@holdout.test", PASSWORD);
    const board = async () => {
      const response = await fetch(`${url}/api/v1/competitions/mnist/leaderboard`, { headers: { Cookie: cookie } });
      if (!response.ok) return null;
      return ((await response.json()) as { rows: BoardRow[] }).rows;
    };
    // Both baselines trained and scored by the worker (the budget keeps this to a few minutes).
    const rows = await until("the MLP and CNN baselines scored", first.child, first.output, 1200, async () => {
      const current = await board();
      return current && ["MLP", "CNN"].every((label) => current.some((row) => row.entrant.type === "baseline" && row.entrant.name === label)) ? current : null;
    });
    const mlp = rows.find((row) => row.entrant.name === "MLP")!;
    const cnn = rows.find((row) => row.entrant.name === "CNN")!;
    expect([mlp.rank, mlp.isBaseline, cnn.rank, cnn.isBaseline]).toEqual([null, true, null, true]);
    expect(mlp.score).toBeGreaterThan(0.5);
    expect(cnn.score).toBeGreaterThan(mlp.score);

    // Each has its training curves (2 epochs, training and validation loss), readable by a student.
    for (const row of [mlp, cnn]) {
      const response = await fetch(`${url}/api/v1/submissions/${row.submissionId}/report`, { headers: { Cookie: cookie } });
      expect(response.status).toBe(200);
      const report = await response.json();
      expect(report).toMatchObject({ kind: "DEFINITION", isBaseline: true, baselineLabel: row.entrant.name, status: "SCORED" });
      expect(report.trainingSettings).toMatchObject({ epochs: 2 });
      expect(report.report.curves.epochs).toHaveLength(2);
      for (const epoch of report.report.curves.epochs) {
        expect(epoch.loss).toBeGreaterThan(0);
        expect(epoch.valLoss).toBeGreaterThan(0);
      }
      expect(report.report.splitInfo.training).toMatchObject({ trainCount: 5000 });
    }

    // The leaderboard page shows them shaded and unranked.
    const page = await fetch(`${url}/c/mnist/leaderboard`, { headers: { Cookie: cookie } });
    const html = await page.text();
    expect(html).toMatch(/data-baseline="true"[^]*MLP/);
    expect(html).toMatch(/data-baseline="true"[^]*CNN/);

    // In Chromium: a student picks the two baselines on the compare page and sees both runs' curves on one chart.
    browser = await launchBrowser();
    const tab = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    await signInAs(tab, url, "ada@holdout.test", PASSWORD);
    await tab.goto(`${url}/c/mnist/leaderboard`);
    await tab.getByRole("link", { name: "Compare", exact: true }).click();
    await tab.waitForURL(/\/c\/mnist\/compare/);
    const picker = tab.getByTestId("compare-picker");
    await picker.getByRole("checkbox", { name: /MLP/ }).check();
    await picker.getByRole("checkbox", { name: /CNN/ }).check();
    await picker.getByRole("button", { name: "Compare", exact: true }).click();
    await tab.waitForURL(/ids=/);
    const curves = tab.getByTestId("compare-curves");
    await curves.waitFor();
    const lossChart = curves.locator("figure").first();
    // One chart, four lines: A training, A validation, B training, B validation.
    await expect.poll(() => lossChart.locator("path.recharts-line-curve").count(), { timeout: 20_000 }).toBe(4);
    const legend = await lossChart.locator(".recharts-legend-wrapper").innerText();
    for (const name of ["A training", "A validation", "B training", "B validation"]) expect(legend).toContain(name);
    const drawn = await lossChart.locator("path.recharts-line-curve").evaluateAll((paths) => paths.map((p) => (p.getAttribute("d") ?? "").length));
    expect(drawn.every((length) => length > 10)).toBe(true);
    // Both runs' best epochs are marked, and the scores table lists both baselines.
    await expect.poll(() => lossChart.getByText(/^best /).count()).toBeGreaterThan(0);
    const bestLabels = (await lossChart.getByText(/^best /).allTextContents()).join(" ");
    expect(bestLabels).toMatch(/\bA\b/);
    expect(bestLabels).toMatch(/\bB\b/);
    const scores = await tab.getByTestId("compare-scores").innerText();
    expect(scores).toContain("MLP");
    expect(scores).toContain("CNN");
    await screenshot(tab, "compare-baselines");
    expect(await stop(first.child)).toBe(0);

    // A restart queues no baseline again.
    const second = start();
    await until("healthy again", second.child, second.output, 900, async () => {
      const response = await fetch(`${url}/api/health`);
      return response.ok ? true : null;
    });
    expect(second.output()).not.toContain("demo baselines queued");
    const cookie2 = await sessionCookie(url, "ada@holdout.test", PASSWORD);
    const after = (await (await fetch(`${url}/api/v1/competitions/mnist/leaderboard`, { headers: { Cookie: cookie2 } })).json()) as { rows: BoardRow[] };
    expect(after.rows.filter((row) => row.entrant.type === "baseline").map((row) => row.entrant.name).sort()).toEqual(["CNN", "MLP"]);
    expect(await stop(second.child)).toBe(0);
  });
});
