import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

async function providers() {
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  const { enabledOAuthProviders } = await import("@/web/auth-options");
  return enabledOAuthProviders().map((provider) => provider.id);
}

describe("sign-in providers", () => {
  it("offers GitHub and Google only when both of their variables are set", async () => {
    vi.stubEnv("GITHUB_ID", "");
    vi.stubEnv("GOOGLE_ID", "");
    expect(await providers()).toEqual([]);
    vi.stubEnv("GITHUB_ID", "gh-id");
    vi.stubEnv("GITHUB_SECRET", "gh-secret");
    expect(await providers()).toEqual(["github"]);
    vi.stubEnv("GOOGLE_ID", "g-id");
    expect(await providers()).toEqual(["github"]);
    vi.stubEnv("GOOGLE_SECRET", "g-secret");
    expect(await providers()).toEqual(["github", "google"]);
  });
});
