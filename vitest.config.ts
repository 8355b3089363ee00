import { defineConfig } from "vitest/config";
import path from "node:path";

// Unit and integration tests. Slow system tests (load, faults) live in vitest.system.config.ts.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: model scoring and training tests are CPU-bound, so more forks only thrash.
    pool: "forks",
    maxWorkers: 2,
    fileParallelism: true,
  },
});
