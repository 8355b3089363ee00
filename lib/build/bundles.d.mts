// Types of ./bundles.mjs (plain JavaScript so that bin/holdout.mjs can load it without tsx).
export type BundleName = "child" | "cli";
export declare const BUNDLES: Record<BundleName, { entries: Record<string, string>; meta: string; label: string; splitting?: boolean }>;
export declare function bundleDir(root: string): string;
export declare function bundlePath(root: string, name: BundleName, entry?: string): string;
export declare function staleReason(root: string, name: BundleName): string | null;
export declare function bundleExists(root: string, name: BundleName): boolean;
export declare function ensureBundle(root: string, name: BundleName, log?: (line: string) => void): Promise<void>;
export declare function ensureAllBundles(root: string, log?: (line: string) => void): Promise<void>;
