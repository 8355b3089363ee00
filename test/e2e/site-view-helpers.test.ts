/**
 * The pure view helpers behind the site pages (no server needed): the safe Markdown subset for
 * competition descriptions, the number formats, the report JSON readers, and the live-status reader.
 */
import { describe, expect, it } from "vitest";
import { liveStateFrom, type LiveState } from "@/components/submission/live-status";
import { formatDelta, formatDuration, formatFlops, formatScore } from "@/web/view/format";
import { parseInline, parseMarkdown, safeHref } from "@/web/view/markdown";
import { parseConfusion, parseCurves, parseMisclassified, parseSummary } from "@/web/view/report";

describe("description Markdown", () => {
  it("parses headings, paragraphs, lists and code blocks", () => {
    const blocks = parseMarkdown("# Title\n\nSome *text* and `code`.\n\n- one\n- two\n\n1. first\n2. second\n\n```python\nmodel.fit(x)\n```\n\n> quoted");
    expect(blocks.map((b) => b.type)).toEqual(["heading", "paragraph", "list", "list", "code", "quote"]);
    expect(blocks[2]).toMatchObject({ ordered: false, items: [[{ type: "text", text: "one" }], [{ type: "text", text: "two" }]] });
    expect(blocks[4]).toEqual({ type: "code", language: "python", text: "model.fit(x)" });
  });

  it("keeps raw HTML as text and drops unsafe link targets", () => {
    const [paragraph] = parseMarkdown('<img src=x onerror="alert(1)"> [click](javascript:alert(1)) [ok](https://example.edu/a?b=1) [rel](/c/mnist) [proto](//evil.example)');
    expect(paragraph.type).toBe("paragraph");
    const inline = (paragraph as { children: ReturnType<typeof parseInline> }).children;
    expect(inline[0]).toEqual({ type: "text", text: '<img src=x onerror="alert(1)"> click ' });
    const links = inline.filter((node) => node.type === "link");
    expect(links.map((link) => (link as { href: string }).href)).toEqual(["https://example.edu/a?b=1", "/c/mnist"]);
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("JaVaScRiPt:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,hi")).toBeNull();
    expect(safeHref("mailto:ta@example.edu")).toBe("mailto:ta@example.edu");
  });

  it("links bare URLs and makes hard line breaks", () => {
    expect(parseInline("see https://keras.io/api/, then")).toEqual([
      { type: "text", text: "see " },
      { type: "link", href: "https://keras.io/api/", children: [{ type: "text", text: "https://keras.io/api/" }] },
      { type: "text", text: ", then" },
    ]);
    expect(parseInline("a  \nb")).toEqual([{ type: "text", text: "a" }, { type: "br" }, { type: "text", text: "b" }]);
  });
});

describe("formats", () => {
  it("formats scores, deltas, durations and FLOPs", () => {
    expect(formatScore(0.97234)).toBe("97.234 %");
    expect(formatScore(null)).toBe("–");
    expect(formatDelta(0.0213)).toBe("+2.13 pp");
    expect(formatDelta(-0.005)).toBe("−0.50 pp");
    expect(formatDelta(0)).toBe("±0.00 pp");
    expect(formatDuration(95)).toBe("1 min 35 s");
    expect(formatDuration(3 * 86400 + 7200)).toBe("3 days 2 h");
    expect(formatFlops(1_190_000)).toBe("1.19 MFLOPs");
    expect(formatFlops(null)).toBe("unknown");
  });
});

describe("report readers", () => {
  it("reads the worker's curves, confusion, misclassified list and summary, and skips what is malformed", () => {
    const curves = parseCurves({ source: "training", epochs: [{ epoch: 2, loss: 0.5, accuracy: 0.8, valLoss: 0.6, valAccuracy: 0.7, seconds: 1 }, { epoch: 1, loss: 0.9 }, { nope: true }], bestEpoch: 2, overfitStartEpoch: null });
    expect(curves?.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(curves?.epochs[0]).toMatchObject({ accuracy: null, valLoss: null });
    expect(curves?.generalizationGap[1]).toBeCloseTo(0.1);
    expect(parseCurves({ epochs: [] })).toBeNull();
    expect(parseConfusion([[1, 2], [3]])).toBeNull();
    expect(parseConfusion([[1, 2], [3, 4]])).toEqual([[1, 2], [3, 4]]);
    expect(parseMisclassified([{ index: 1, predicted: 2, actual: 3, confidence: 0.5 }, { index: "x" }])).toHaveLength(1);
    const summary = parseSummary({ name: "m", kind: "functional", inputShape: [32, 32, 3], outputShape: [10], layers: [{ name: "a", type: "Dense", outputShape: "(None, 10)", params: 10, depth: 0, connectedTo: ["in"] }], totalParams: 10, flopsPerExample: null });
    expect(summary).toMatchObject({ kind: "functional", totalParams: 10, flopsPerExample: null, output: "probabilities" });
    expect(summary?.layers[0].connectedTo).toEqual(["in"]);
  });
});

describe("live status", () => {
  const initial: LiveState = { status: "QUEUED", queuePosition: 2, failureReason: null, progress: { phase: null, epoch: null, totalEpochs: null, fraction: null, etaSeconds: null, message: null }, curves: null };

  it("reads GET /api/v1/submissions/{id} and keeps the curves it already has", () => {
    const withCurves = { ...initial, curves: { epochs: [{ epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1.1, valAccuracy: 0.4, seconds: 2 }], bestEpoch: 1, overfitStartEpoch: null } };
    const next = liveStateFrom({ submission: { status: "TRAINING", queuePosition: null, progress: { phase: "TRAINING", epoch: 2, totalEpochs: 5, fraction: 0.4, etaSeconds: 30 } } }, withCurves);
    expect(next).toMatchObject({ status: "TRAINING", queuePosition: null, progress: { epoch: 2, totalEpochs: 5, etaSeconds: 30 } });
    expect(next.curves).toBe(withCurves.curves);
    const failed = liveStateFrom({ submission: { status: "FAILED", failureReason: "The model expects 3 channels; MNIST has 1.", progress: { phase: "FAILED" } } }, next);
    expect(failed).toMatchObject({ status: "FAILED", failureReason: "The model expects 3 channels; MNIST has 1." });
  });
});
