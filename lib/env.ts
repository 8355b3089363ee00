import { z } from "zod";
import { parseTrustedProxies } from "./accounts/client-address";

/**
 * Every environment variable Holdout reads, parsed once. A wrong value stops the process at
 * start with a message naming the variable, instead of failing later in some request.
 * .env.example lists the same variables with their defaults.
 */
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

const intFrom = (fallback: number, min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message).default(fallback);
};

/** A whole number with no default (unset: the code decides, e.g. from the machine's cores). */
const optionalIntFrom = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return optionalString.transform((value) => (value === undefined ? undefined : Number(value))).pipe(z.number({ error: message }).int(message).min(min, message).max(max, message).optional());
};

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Any PostgreSQL server. Unset: `holdout start` runs an embedded one under .holdout/. */
  DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://").optional()),
  PORT: intFrom(3000, 1, 65535),
  /**
   * Address `holdout start` has the web server listen on. The default, loopback, serves this machine
   * only (and allows the demo accounts); 0.0.0.0 or :: serves the network.
   */
  HOLDOUT_HOST: z.string().trim().min(1).default("127.0.0.1"),
  /** Public URL of the site, used by next-auth for callbacks. */
  NEXTAUTH_URL: optionalString.pipe(z.url().optional()),
  /** Signs sessions. Unset: `holdout start` generates one and keeps it in .holdout/auth-secret. */
  NEXTAUTH_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  GITHUB_ID: optionalString,
  GITHUB_SECRET: optionalString,
  GOOGLE_ID: optionalString,
  GOOGLE_SECRET: optionalString,
  /** Where datasets are looked for and fetched to. */
  HOLDOUT_DATA_DIR: optionalString,
  /** Password of the demo accounts seeded on first start. */
  HOLDOUT_DEMO_PASSWORD: optionalString.pipe(z.string().min(8, "must be at least 8 characters").optional()),
  /** Set to "false" to skip seeding the demo course. */
  HOLDOUT_DEMO: z.enum(["true", "false"]).default("true"),
  /**
   * The demo competitions' training budget, as JSON over the defaults, applied when they are first
   * made, e.g. {"maxEpochs": 2, "maxTrainExamples": 3000} for quick demo baselines on a small CPU
   * machine (the competition's settings page shows and changes it later).
   */
  HOLDOUT_DEMO_TRAINING_BUDGET: optionalString.pipe(
    z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: 'must be JSON, e.g. {"maxEpochs": 2, "maxTrainExamples": 3000}' });
          return z.NEVER;
        }
      })
      .pipe(
        z
          .object({ maxEpochs: z.number().int().min(1), maxSeconds: z.number().int().min(10), maxParams: z.number().int().min(1), maxTrainExamples: z.number().int().min(1) }, { error: "must be a JSON object" })
          .partial()
          .strict(),
      )
      .optional(),
  ),
  /** Where embedded PostgreSQL, the auth secret and local files live. */
  HOLDOUT_HOME: z.string().default(".holdout"),
  /** Parallel jobs per worker process. */
  WORKER_CONCURRENCY: intFrom(1, 1, 64),
  /**
   * TF.js backend: auto picks tfjs-node-gpu > tfjs-node > wasm > cpu; "gpu" (tfjs-node-gpu on a GPU
   * TensorFlow sees) and "tensorflow" (native only) never fall back: their engine failing to load
   * is the platform's failure, retried (lib/engine/backend.ts).
   */
  HOLDOUT_BACKEND: z.enum(["auto", "gpu", "tensorflow", "wasm", "cpu"]).default("auto"),
  /**
   * Scoring engine: auto = ONNX Runtime (native CPU) for every layers model the exporter
   * translates, TF.js for the rest (the report says why); onnx = the same, but a runtime that
   * cannot load fails the job as the platform's fault; tfjs = TF.js only. Training is always TF.js.
   */
  HOLDOUT_SCORING_ENGINE: z.enum(["auto", "onnx", "tfjs"]).default("auto"),
  /** Largest upload accepted, in megabytes (all files of one submission together). */
  HOLDOUT_MAX_UPLOAD_MB: intFrom(200, 1, 10_000),
  /** Failed sign-in attempts allowed per email in a 15-minute window. */
  HOLDOUT_SIGNIN_LIMIT: intFrom(10, 1, 10_000),
  /** Failed sign-in attempts allowed per client address (all emails together) in a 15-minute window. */
  HOLDOUT_SIGNIN_ADDRESS_LIMIT: intFrom(30, 1, 100_000),
  /**
   * Reverse proxies in front of the web server (comma-separated addresses or CIDR ranges). Only a
   * request whose socket peer is one of them has its X-Forwarded-For read (right-most untrusted entry).
   */
  TRUSTED_PROXIES: optionalString.superRefine((value, context) => {
    try {
      parseTrustedProxies(value);
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message });
    }
  }),
  /** API requests allowed per token per minute. */
  HOLDOUT_API_RATE_LIMIT: intFrom(120, 1, 100_000),
  /** The verified shared copies of the datasets are looked for in $HOLDOUT_SHARED_DIR/datasets. Unset: <repo>/../shared. */
  HOLDOUT_SHARED_DIR: optionalString,
  /** Where Debian's dataset-* packages installed their files. */
  HOLDOUT_DEBIAN_DATASETS_DIR: optionalString.transform((value) => value ?? "/usr/share/datasets"),
  /** Holdout's root folder (child bundles in dist/). Unset: found from the working directory. */
  HOLDOUT_ROOT: optionalString,
  /** Upload checks (sandboxed children): wall-clock ceiling per check, parallel checks (unset: one per core), warm spares, queue length, heap per child. */
  HOLDOUT_CHECK_TIMEOUT_SECONDS: intFrom(120, 1, 24 * 3600),
  HOLDOUT_CHECK_CONCURRENCY: optionalIntFrom(1, 256),
  HOLDOUT_CHECK_SPARES: optionalIntFrom(1, 256),
  HOLDOUT_CHECK_QUEUE: intFrom(100, 1, 100_000),
  HOLDOUT_CHECK_HEAP_MB: intFrom(3072, 128, 262_144),
  /**
   * Days a finished job (succeeded, failed, cancelled) is kept before the worker deletes it; the
   * worker also deletes stored files no submission or test set uses any more.
   */
  HOLDOUT_RETENTION_DAYS: intFrom(30, 1, 36_500),
  /**
   * Outgoing mail (lib/mail): smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465
   * (TLS from the start). Unset: Holdout sends no mail, and reset and claim links are shown to the
   * instructor to hand out.
   */
  SMTP_URL: optionalString.pipe(
    z
      .string()
      .refine((value) => {
        try {
          const url = new URL(value);
          return (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname !== "";
        } catch {
          return false;
        }
      }, "must look like smtp://user:password@host:587 or smtps://user:password@host:465 (percent-encode special characters in the password)")
      .optional(),
  ),
  /** The From: address of Holdout's mail, e.g. "Holdout <holdout@uni.edu>". Unset: holdout@ + the SMTP host. */
  MAIL_FROM: optionalString.pipe(
    z
      .string()
      .regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an address such as holdout@uni.edu or "Holdout <holdout@uni.edu>"')
      .optional(),
  ),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}\nSee .env.example for every variable and its default.`);
}

let cached: Env | undefined;

/** The parsed environment, read once per process. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}
