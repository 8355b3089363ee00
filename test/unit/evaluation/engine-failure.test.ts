import { describe, expect, it } from "vitest";
import { isEngineFailure } from "@/lib/evaluation";

describe("isEngineFailure: the engine's own errors are the platform's", () => {
  it("recognises CUDA, cuDNN and native-binding failures", () => {
    expect(isEngineFailure(new Error("Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file"))).toBe(true);
    expect(isEngineFailure(new Error("Failed to get convolution algorithm. This is probably because cuDNN failed to initialize"))).toBe(true);
    expect(isEngineFailure(new Error("CUDA_ERROR_OUT_OF_MEMORY: out of memory"))).toBe(true);
    expect(isEngineFailure(Object.assign(new Error("cannot open shared object file"), { code: "ERR_DLOPEN_FAILED" }))).toBe(true);
  });

  it("leaves a model's own mistakes to the student", () => {
    expect(isEngineFailure(new Error("Error when checking input: expected input to have shape [null,28,28,1] but got [null,32,32,3]"))).toBe(false);
    expect(isEngineFailure(new Error("Unknown layer: CustomLayer"))).toBe(false);
  });
});
