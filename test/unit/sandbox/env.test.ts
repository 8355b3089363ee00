import { afterEach, describe, expect, it } from "vitest";
import { sandboxEnv } from "@/lib/sandbox/spawn";

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe("the sandboxed child's environment", () => {
  it("passes the GPU path's settings (CUDA libraries, device choice, TensorFlow's own) and no secret", () => {
    Object.assign(process.env, {
      LD_LIBRARY_PATH: "/usr/local/cuda/lib64",
      CUDA_VISIBLE_DEVICES: "1",
      CUDA_DEVICE_ORDER: "PCI_BUS_ID",
      TF_FORCE_GPU_ALLOW_GROWTH: "true",
      TF_GPU_ALLOCATOR: "cuda_malloc_async",
      TF_CPP_MIN_LOG_LEVEL: "2",
      NVIDIA_VISIBLE_DEVICES: "all",
      DATABASE_URL: "postgresql://secret@db/holdout",
      NEXTAUTH_SECRET: "s3cret",
      HOLDOUT_SMTP_URL: "smtp://user:pass@mail",
    });
    const env = sandboxEnv({ HOLDOUT_ROOT: "/app" });
    expect(env).toMatchObject({
      LD_LIBRARY_PATH: "/usr/local/cuda/lib64",
      CUDA_VISIBLE_DEVICES: "1",
      CUDA_DEVICE_ORDER: "PCI_BUS_ID",
      TF_FORCE_GPU_ALLOW_GROWTH: "true",
      TF_GPU_ALLOCATOR: "cuda_malloc_async",
      TF_CPP_MIN_LOG_LEVEL: "2",
      NVIDIA_VISIBLE_DEVICES: "all",
      HOLDOUT_ROOT: "/app",
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.NEXTAUTH_SECRET).toBeUndefined();
    expect(env.HOLDOUT_SMTP_URL).toBeUndefined();
  });
});
