import { isIP } from "node:net";
import { hashPassword, verifyPassword } from "@/lib/accounts/password";
import type { PrismaClient } from "@/lib/db";
import { BUILT_IN_DATASETS, DEFAULT_LATE_POLICY, DEFAULT_RESOURCE_LIMITS, DEFAULT_TRAINING_BUDGET, type BuiltInDatasetId } from "@/lib/competitions/defaults";

export const DEMO_COURSE_JOIN_CODE = "DEEP-LEARNING";
export const DEMO_ACCOUNTS = [
  { email: "instructor@holdout.test", name: "Grace Instructor", role: "INSTRUCTOR" as const },
  { email: "ada@holdout.test", name: "Ada Student", role: "STUDENT" as const },
  { email: "alan@holdout.test", name: "Alan Student", role: "STUDENT" as const },
];
export const DEFAULT_DEMO_PASSWORD = "holdout-demo";

/** True for an address only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const value = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (value === "localhost") return true;
  if (isIP(value) === 4) return value.startsWith("127.");
  return value === "::1" || /^::ffff:127\./.test(value);
}

export type DemoAccountsPlan = { seed: true; password: string; mustChangePassword: boolean } | { seed: false; reason: string };

/**
 * Whether `holdout start` may make the demo accounts. Their default password is published (README,
 * start log), so on a server others can reach it would be a way in, and a forced change would not
 * help (whoever signs in first picks the password). So: listening on loopback only, demo accounts
 * with the configured or default password; listening on any other address, only with a
 * HOLDOUT_DEMO_PASSWORD the operator chose (and it must be changed at first sign-in), otherwise no
 * demo course at all.
 */
export function planDemoAccounts(host: string, configuredPassword: string | undefined): DemoAccountsPlan {
  if (isLoopbackHost(host)) return { seed: true, password: configuredPassword ?? DEFAULT_DEMO_PASSWORD, mustChangePassword: false };
  if (configuredPassword && configuredPassword !== DEFAULT_DEMO_PASSWORD) return { seed: true, password: configuredPassword, mustChangePassword: true };
  return { seed: false, reason: `the server listens on ${host}, reachable from other machines, and the demo accounts' default password is published; set HOLDOUT_DEMO_PASSWORD to a password of your own to have them` };
}

/**
 * Demo accounts that still have the published default password get no password at all (they can
 * no longer sign in) and lose their sessions: for a server that was first started on loopback and
 * now listens where others can reach it. Returns the emails locked.
 */
export async function lockPublishedDemoAccounts(prisma: PrismaClient): Promise<string[]> {
  const locked: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const user = await prisma.user.findUnique({ where: { email: account.email } });
    if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, DEFAULT_DEMO_PASSWORD))) continue;
    await prisma.user.update({ where: { id: user.id }, data: { passwordHash: null, sessionVersion: { increment: 1 } } });
    locked.push(account.email);
  }
  return locked;
}

const DESCRIPTIONS: Record<BuiltInDatasetId, string> = {
  mnist: "Classify handwritten digits (28x28 grayscale). Submit a trained Keras or TF.js model, or an architecture that Holdout trains for you.",
  "fashion-mnist": "Classify Zalando's clothing images (28x28 grayscale, 10 classes). Harder than MNIST: watch for overfitting.",
  cifar10: "Classify 32x32 colour photos into 10 classes. A CNN with data augmentation is the way to go.",
};

/**
 * The demo course, idempotent: running it again changes nothing that exists (passwords included,
 * so a demo user who changed theirs keeps it). Competitions are made only for datasets whose
 * test data this machine has.
 */
export async function seedDemo(
  prisma: PrismaClient,
  options: {
    password: string;
    availableDatasets: BuiltInDatasetId[];
    now?: Date;
    mustChangePassword?: boolean;
    /** Over DEFAULT_TRAINING_BUDGET for competitions made now (HOLDOUT_DEMO_TRAINING_BUDGET): small budgets for quick demo baselines. */
    trainingBudget?: Partial<typeof DEFAULT_TRAINING_BUDGET & { maxTrainExamples: number }>;
  },
): Promise<{ courseId: string; competitions: string[] }> {
  const now = options.now ?? new Date();
  const passwordHash = await hashPassword(options.password);
  const course = await prisma.course.upsert({
    where: { joinCode: DEMO_COURSE_JOIN_CODE },
    create: { name: "Deep Learning", joinCode: DEMO_COURSE_JOIN_CODE },
    update: {},
  });
  let instructorId = "";
  for (const account of DEMO_ACCOUNTS) {
    const user = await prisma.user.upsert({
      where: { email: account.email },
      create: { email: account.email, name: account.name, role: account.role, passwordHash, mustChangePassword: options.mustChangePassword ?? false },
      update: {},
    });
    if (account.role === "INSTRUCTOR") instructorId = user.id;
    await prisma.enrollment.upsert({
      where: { userId_courseId: { userId: user.id, courseId: course.id } },
      create: { userId: user.id, courseId: course.id, role: account.role },
      update: {},
    });
  }
  const competitions: string[] = [];
  for (const datasetId of options.availableDatasets) {
    const info = BUILT_IN_DATASETS[datasetId];
    const exists = await prisma.competition.findUnique({ where: { slug: datasetId } });
    if (!exists) {
      await prisma.competition.create({
        data: {
          courseId: course.id,
          slug: datasetId,
          title: info.title,
          description: DESCRIPTIONS[datasetId],
          datasetId,
          opensAt: new Date(now.getTime() - 24 * 3600 * 1000),
          closesAt: new Date(now.getTime() + 14 * 24 * 3600 * 1000),
          splitSeed: 20261128,
          trainingBudget: { ...DEFAULT_TRAINING_BUDGET, ...options.trainingBudget },
          resourceLimits: DEFAULT_RESOURCE_LIMITS,
          gradingScheme: { kind: "linear", baseline: info.baseline, target: info.target, maxPoints: 100 },
          latePolicy: DEFAULT_LATE_POLICY,
          createdById: instructorId,
        },
      });
    }
    competitions.push(datasetId);
  }
  return { courseId: course.id, competitions };
}
