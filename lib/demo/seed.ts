import { hashPassword } from "../accounts/password";
import type { PrismaClient } from "../db";
import { BUILT_IN_DATASETS, DEFAULT_LATE_POLICY, DEFAULT_RESOURCE_LIMITS, DEFAULT_TRAINING_BUDGET, type BuiltInDatasetId } from "../competitions/defaults";

export const DEMO_COURSE_JOIN_CODE = "DEEP-LEARNING";
export const DEMO_ACCOUNTS = [
  { email: "instructor@holdout.test", name: "Grace Instructor", role: "INSTRUCTOR" as const },
  { email: "ada@holdout.test", name: "Ada Student", role: "STUDENT" as const },
  { email: "alan@holdout.test", name: "Alan Student", role: "STUDENT" as const },
];
export const DEFAULT_DEMO_PASSWORD = "holdout-demo";

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
  options: { password: string; availableDatasets: BuiltInDatasetId[]; now?: Date },
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
      create: { email: account.email, name: account.name, role: account.role, passwordHash },
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
          trainingBudget: DEFAULT_TRAINING_BUDGET,
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
