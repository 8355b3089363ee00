/**
 * Compiles the sandboxed child (worker/child.ts) and its data-parallel gradient worker thread
 * ahead of time, so a child starts in a fraction of a second instead of paying tsx's ~5 s per
 * process. The builder is shared with the `holdout` command's own bundle (lib/build/bundles.mjs):
 * rebuilt whenever any input is newer than the bundle, one builder at a time, renamed into place.
 *
 * Only build tooling imports this file (the CLI, the worker, test setup); the web process only
 * reads the bundle's path (./paths.ts).
 */
import { bundleExists, ensureBundle, staleReason as bundleStaleReason } from "@/lib/build/bundles.mjs";
import { projectRoot } from "./paths";

/** Why the bundle must be rebuilt, or null when it is up to date. */
export function staleReason(): string | null {
  return bundleStaleReason(projectRoot(), "child");
}

/** Builds dist/child.mjs when missing or older than any of its sources; one builder at a time. */
export async function ensureChildBundle(log: (line: string) => void = () => {}): Promise<void> {
  await ensureBundle(projectRoot(), "child", log);
}

export function childBundleExists(): boolean {
  return bundleExists(projectRoot(), "child");
}
