# Web server image (and the CPU worker image: same code, other command).
FROM node:20-bookworm-slim AS base
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts/postinstall.mjs scripts/postinstall.mjs
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm ci --include=dev
COPY . .
RUN npx next build && node bin/holdout.mjs build-child

FROM base AS web
EXPOSE 3000
# web/socket-address.mjs puts each request's socket address in a header clients cannot forge (rate limits).
CMD ["node", "--import", "./web/socket-address.mjs", "node_modules/next/dist/bin/next", "start", "-p", "3000"]

# CPU worker: TensorFlow.js's native CPU backend (tfjs-node downloads libtensorflow at install,
# which works on a connected build machine), falling back to wasm if it is missing.
FROM base AS worker-cpu
RUN npm install --no-save @tensorflow/tfjs-node@4.22.0 || echo "tfjs-node unavailable: the worker will use wasm"
CMD ["node", "bin/holdout.mjs", "worker"]
