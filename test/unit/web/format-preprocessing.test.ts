import { describe, expect, it } from "vitest";
import { parsePreprocessing } from "@/lib/submissions/schemas";
import { formatPreprocessing } from "@/web/view/format";

describe("a report shows the preprocessing the submission declared", () => {
  it("as parsed and stored, for each form a student can choose", () => {
    expect(formatPreprocessing(parsePreprocessing("raw"))).toBe("raw pixels (0–255)");
    expect(formatPreprocessing(parsePreprocessing("1/255"))).toBe("pixels / 255 (0–1)");
    expect(formatPreprocessing(parsePreprocessing('{"mean":[0.1307],"std":[0.3081]}'))).toBe("pixels / 255, then standardized: mean 0.1307, std 0.3081");
  });

  it("falls back to the default when nothing was declared", () => {
    expect(formatPreprocessing(null)).toBe("pixels / 255 (0–1)");
  });
});
