import { describe, expect, it } from "vitest";
import { looksLikeHistory, parseTrainingHistory } from "@/lib/submissions/history";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("uploaded Keras training history", () => {
  it("reads history.history saved as JSON, with either accuracy name", () => {
    const json = JSON.stringify({ loss: [0.9, 0.5, 0.4], acc: [0.7, 0.85, 0.9], val_loss: [0.6, 0.45, 0.5], val_acc: [0.8, 0.86, 0.85] });
    const epochs = parseTrainingHistory("history.json", bytes(json));
    expect(epochs).toEqual([
      { epoch: 1, loss: 0.9, accuracy: 0.7, valLoss: 0.6, valAccuracy: 0.8, seconds: null },
      { epoch: 2, loss: 0.5, accuracy: 0.85, valLoss: 0.45, valAccuracy: 0.86, seconds: null },
      { epoch: 3, loss: 0.4, accuracy: 0.9, valLoss: 0.5, valAccuracy: 0.85, seconds: null },
    ]);
  });

  it("reads CSVLogger output (0-based epochs, any column order)", () => {
    const csv = "epoch,accuracy,loss,val_accuracy,val_loss\n0,0.8,0.6,0.9,0.3\n1,0.95,0.15,0.97,0.1\n";
    const epochs = parseTrainingHistory("training.csv", bytes(csv));
    expect(epochs.map((e) => [e.epoch, e.loss, e.valLoss, e.accuracy])).toEqual([
      [1, 0.6, 0.3, 0.8],
      [2, 0.15, 0.1, 0.95],
    ]);
  });

  it("explains what is wrong with a broken history", () => {
    expect(() => parseTrainingHistory("h.json", bytes("{loss: [1"))).toThrow(/h.json: not valid JSON. Save it with json.dump/);
    expect(() => parseTrainingHistory("h.json", bytes(JSON.stringify({ accuracy: [0.1] })))).toThrow(/no "loss" column/);
    expect(() => parseTrainingHistory("h.json", bytes(JSON.stringify({ loss: [1, 2], val_loss: [1] })))).toThrow(/"valLoss" has 1 values but "loss" has 2/);
  });

  it("tells a history from model files", () => {
    expect(looksLikeHistory("history.json", bytes(JSON.stringify({ loss: [1], val_loss: [1] })))).toBe(true);
    expect(looksLikeHistory("model.json", bytes(JSON.stringify({ format: "layers-model", modelTopology: {}, loss: [1] })))).toBe(false);
    expect(looksLikeHistory("log.csv", bytes("epoch,loss\n0,1\n"))).toBe(true);
    expect(looksLikeHistory("model.h5", bytes("\x89HDF"))).toBe(false);
  });
});
