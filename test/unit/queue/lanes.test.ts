import { describe, expect, it } from "vitest";
import { laneForKind, lanesToClaim } from "@/lib/queue/lanes";
import { jobsAheadInLane, trainingRateOfReport } from "@/lib/queue/estimates";
import { trainingTimeDecision } from "@/lib/submissions/admission";

describe("lanesToClaim: train and baseline jobs never hold every slot", () => {
  it("keeps the last slot of a multi-slot worker for scoring", () => {
    expect(lanesToClaim(2, [])).toEqual(["train", "score", "baseline"]);
    expect(lanesToClaim(2, ["score"])).toEqual(["train", "score", "baseline"]);
    expect(lanesToClaim(2, ["train"])).toEqual(["score"]);
    expect(lanesToClaim(2, ["baseline"])).toEqual(["score"]);
    expect(lanesToClaim(2, ["train", "score"])).toEqual([]);
    expect(lanesToClaim(4, ["train", "train"])).toEqual(["train", "score", "baseline"]);
    expect(lanesToClaim(4, ["train", "baseline", "train"])).toEqual(["score"]);
  });

  it("a one-slot worker scores first, then trains, then runs baselines", () => {
    expect(lanesToClaim(1, [])).toEqual(["score", "train", "baseline"]);
    expect(lanesToClaim(1, ["score"])).toEqual([]);
  });

  it("definitions train, trained models score", () => {
    expect(laneForKind("DEFINITION")).toBe("train");
    expect(laneForKind("WEIGHTS")).toBe("score");
  });
});

describe("jobsAheadInLane: the fair order the claim query follows", () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 10, 0, s));
  const job = (id: string, ownerKey: string, second: number, lane = "score") => ({ id, lane, ownerKey, createdAt: at(second), estimatedSeconds: null });

  it("counts one job per other owner per round before this one", () => {
    const a = [job("a1", "A", 1), job("a2", "A", 2), job("a3", "A", 3)];
    const b = [job("b1", "B", 4), job("b2", "B", 5)];
    const c = [job("c1", "C", 6)];
    const pending = [...a, ...b, ...c, job("t1", "A", 0, "train")];
    const ids = (j: ReturnType<typeof job>) => jobsAheadInLane(j, pending, new Map()).map((x) => x.id).sort();
    expect(ids(a[0])).toEqual([]);
    expect(ids(b[0])).toEqual(["a1"]);
    expect(ids(c[0])).toEqual(["a1", "b1"]);
    expect(ids(a[1])).toEqual(["a1", "b1", "c1"]);
    expect(ids(b[1])).toEqual(["a1", "a2", "b1", "c1"]);
    expect(ids(a[2])).toEqual(["a1", "a2", "b1", "b2", "c1"]);
  });

  it("an owner served longer ago goes before one served recently, whatever the queue times", () => {
    const pending = [job("a1", "A", 1), job("b1", "B", 2)];
    const served = new Map([
      ["A", at(50).getTime()],
      ["B", at(40).getTime()],
    ]);
    expect(jobsAheadInLane(pending[1], pending, served)).toEqual([]);
    expect(jobsAheadInLane(pending[0], pending, served).map((j) => j.id)).toEqual(["b1"]);
  });
});

describe("training speed and the training-time rule", () => {
  it("ignores reports without FLOPs or full epochs", () => {
    expect(trainingRateOfReport({ summary: null, curves: null, splitInfo: null })).toBeNull();
  });

  it("never refuses without a measurement, and refuses only over the budget", () => {
    const work = { flopsPerExample: 1e6, examples: 10_000, epochs: 5 };
    expect(trainingTimeDecision(null, { flopsPerSecond: 1e9, samples: 3 }, 60)).toEqual({ estimatedSeconds: null, refusal: null, warning: null });
    // 3 x 1e6 x 1e4 / 1e9 = 30 s per epoch, 150 s for 5.
    expect(trainingTimeDecision(work, { flopsPerSecond: 1e9, samples: 3 }, 150).refusal).toBeNull();
    const refused = trainingTimeDecision(work, { flopsPerSecond: 1e9, samples: 3 }, 100);
    expect(refused.refusal).toMatch(/about 3 min .*budget is 100 s\. Ask for at most 3 epochs/);
    expect(trainingTimeDecision(work, { flopsPerSecond: 1e9, samples: 3 }, 20).refusal).toMatch(/Make the model cheaper per image/);
  });
});
