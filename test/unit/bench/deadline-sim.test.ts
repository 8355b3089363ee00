import { describe, expect, it } from "vitest";
import { formatDeadline, simulateDeadline } from "@/bench/deadline-sim";
import type { BenchReport, ModelBenchResult } from "@/bench/run-bench";

/** A bench report with the two models the simulation reads, at given rates (ex/s). */
function report(rates: { mnistScore: number; cifarScore: number; mnistTrain: number; cifarTrain: number }): BenchReport {
  const model = (name: "mnist-cnn" | "cifar-cnn", score: number, train: number) =>
    ({
      name,
      loadSeconds: 0.2,
      scoreExamplesPerSecond: score / 4,
      trainExamplesPerSecond: train,
      parallel: null,
      onnx: { oneThread: { examplesPerSecond: score, gflops: 1, examplesPerCpuSecond: score, gflopsPerCpuSecond: 1 }, allCores: { threads: 2, examplesPerSecond: score * 1.8, gflops: 1 }, tfjs: { examplesPerCpuSecond: score / 4, gflopsPerCpuSecond: 1 }, speedup: 4, wallSpeedup: 4 },
    }) as unknown as ModelBenchResult;
  return { models: [model("mnist-cnn", rates.mnistScore, rates.mnistTrain), model("cifar-cnn", rates.cifarScore, rates.cifarTrain)] } as unknown as BenchReport;
}

describe("deadline simulation", () => {
  const sim = simulateDeadline(report({ mnistScore: 3000, cifarScore: 900, mnistTrain: 250, cifarTrain: 45 }), 1.5);
  const runOf = (slots: number, policy: string) => sim.runs.find((r) => r.slots === slots && r.policy === policy)!;

  it("queues 600 uploads with about 10% definitions, refusing none that fit one epoch in the budget", () => {
    expect(sim.uploads).toBe(600);
    expect(sim.definitions).toBeGreaterThan(30);
    expect(sim.definitions).toBeLessThan(90);
    expect(sim.refusedDefinitions).toBe(0); // 45,000 / 45 = 1,000 s per CIFAR epoch < 1,800 s
    expect(sim.runs.map((r) => `${r.slots} ${r.policy}`)).toEqual(["1 fair lanes", "1 FIFO", "2 fair lanes", "2 fair lanes, lending", "2 FIFO"]);
  });

  it("with two slots, fair lanes keep trained models moving while definitions train; FIFO lets definitions hold both slots", () => {
    const fair = runOf(2, "fair lanes");
    const fifo = runOf(2, "FIFO");
    expect(fair.scoreWait.max).toBeLessThan(fifo.scoreWait.max);
    expect(fair.firstUploadWait.p50).toBeLessThanOrEqual(fifo.firstUploadWait.p50);
    // The same work is done either way: the last file is scored no later than the total work over two slots allows.
    expect(fair.lastScoredSeconds).toBeGreaterThan(0);
    expect(formatDeadline(sim)).toMatch(/SIMULATED from this run's measured rates/);
  });

  it("refuses the definitions whose single epoch does not fit the budget", () => {
    const slow = simulateDeadline(report({ mnistScore: 3000, cifarScore: 900, mnistTrain: 250, cifarTrain: 20 }), 1.5);
    expect(slow.refusedDefinitions).toBeGreaterThan(0);
  });
});
