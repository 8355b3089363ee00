import { describe, expect, it } from "vitest";
import { parseChildMessage, parseParentMessage, ProtocolError, readChildMessage } from "@/lib/sandbox/protocol";

describe("the sandboxed child's protocol", () => {
  it("parses progress with a partial epoch and a NaN loss, and a check verdict with parsed training settings", () => {
    const epoch = parseChildMessage({ type: "epoch", record: { epoch: 3, loss: Number.NaN, accuracy: 0.5, valLoss: null, valAccuracy: null, seconds: 1.5, partial: true }, totalEpochs: 5, etaSeconds: null });
    expect(epoch).toMatchObject({ type: "epoch", record: { epoch: 3, partial: true, valLoss: null } });
    if (epoch.type === "epoch") expect(Number.isNaN(epoch.record.loss)).toBe(true);
    const verdict = parseChildMessage({ type: "check-result", verdict: { ok: true, roles: ["model"], format: "architecture", warnings: [], trainingSettings: { epochs: 2 } }, rates: { matrixFlopsPerSecond: 1e9, elementsPerSecond: 1e8, backend: "wasm" } });
    expect(verdict).toMatchObject({ verdict: { ok: true, trainingSettings: { epochs: 2, optimizer: "adam" } } });
  });

  it("refuses a message that does not fit, and a parent reads it as the platform's failure", () => {
    expect(() => parseChildMessage({ type: "result", result: { backend: "wasm" } })).toThrow(ProtocolError);
    expect(() => parseParentMessage({ type: "task", task: { submissionId: "" } })).toThrow(/did not fit the protocol/);
    expect(() => parseParentMessage({ type: "check", task: { files: [{ name: "a.h5", data: "not bytes" }], kind: "WEIGHTS", preprocessing: null, competition: { datasetId: "mnist", testSet: null }, rates: null } })).toThrow(ProtocolError);
    expect(readChildMessage({ type: "shell", command: "rm -rf /" })).toMatchObject({ type: "failure", source: "PLATFORM", message: expect.stringMatching(/could not read/) });
  });
});
