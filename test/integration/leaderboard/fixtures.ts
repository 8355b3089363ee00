import { randomBytes } from "node:crypto";
import type { Competition, Course, PrismaClient, Submission, User } from "@/lib/db";

/** Shared set-up for the leaderboard, grading and competition tests: rows written directly with Prisma. */
export const HOUR = 3600 * 1000;
export const DAY = 24 * HOUR;
export const OPENS = new Date("2026-03-01T00:00:00Z");
export const CLOSES = new Date("2026-03-15T00:00:00Z");
export const AFTER_CLOSE = new Date("2026-03-16T00:00:00Z");
export const BEFORE_CLOSE = new Date("2026-03-10T00:00:00Z");

export function at(hoursAfterOpen: number): Date {
  return new Date(OPENS.getTime() + hoursAfterOpen * HOUR);
}

function suffix(): string {
  return randomBytes(4).toString("hex");
}

export async function makeCourse(prisma: PrismaClient, name = "Deep Learning"): Promise<{ course: Course; instructor: User }> {
  const tag = suffix();
  const course = await prisma.course.create({ data: { name, joinCode: `DL-${tag}`.toUpperCase() } });
  const instructor = await prisma.user.create({
    data: { email: `prof-${tag}@example.edu`, name: "Prof Grace", role: "INSTRUCTOR", enrollments: { create: { courseId: course.id, role: "INSTRUCTOR" } } },
  });
  return { course, instructor };
}

export async function makeStudent(prisma: PrismaClient, courseId: string, name: string, extra: { studentNumber?: string; email?: string } = {}): Promise<User> {
  return prisma.user.create({
    data: {
      email: extra.email ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}-${suffix()}@example.edu`,
      name,
      studentNumber: extra.studentNumber ?? null,
      role: "STUDENT",
      enrollments: { create: { courseId, role: "STUDENT" } },
    },
  });
}

export async function makeCompetition(prisma: PrismaClient, courseId: string, data: Partial<Parameters<PrismaClient["competition"]["create"]>[0]["data"]> = {}): Promise<Competition> {
  return prisma.competition.create({
    data: {
      courseId,
      slug: `comp-${suffix()}`,
      title: "MNIST",
      datasetId: "mnist",
      opensAt: OPENS,
      closesAt: CLOSES,
      splitSeed: 42,
      maxFinalSelections: 2,
      gradingScheme: { kind: "linear", baseline: 0.9, target: 0.99, maxPoints: 100 },
      latePolicy: { kind: "none" },
      ...data,
    } as Parameters<PrismaClient["competition"]["create"]>[0]["data"],
  });
}

export interface ScoredInput {
  competitionId: string;
  userId: string;
  publicScore: number;
  privateScore: number;
  createdAt: Date;
  teamId?: string | null;
  selectedForFinal?: boolean;
  isBaseline?: boolean;
  isLate?: boolean;
  disqualified?: boolean;
  status?: Submission["status"];
}

/** A submission with its Score row (status SCORED unless told otherwise). */
export async function scored(prisma: PrismaClient, input: ScoredInput): Promise<Submission> {
  return prisma.submission.create({
    data: {
      competitionId: input.competitionId,
      userId: input.userId,
      teamId: input.teamId ?? null,
      kind: "WEIGHTS",
      status: input.status ?? "SCORED",
      createdAt: input.createdAt,
      selectedForFinal: input.selectedForFinal ?? false,
      isBaseline: input.isBaseline ?? false,
      isLate: input.isLate ?? false,
      disqualifiedAt: input.disqualified ? new Date() : null,
      disqualifiedReason: input.disqualified ? "copied" : null,
      score: { create: { publicScore: input.publicScore, privateScore: input.privateScore } },
    },
  });
}
