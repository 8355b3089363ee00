import type { Competition, Course, PrismaClient, Role } from "@/lib/db";
import { competitionPhase } from "@/lib/competitions/access";
import { can } from "@/lib/courses/permissions";
import { latePolicyOf } from "@/lib/grading/schemes";
import { submissionsLeftToday } from "@/lib/submissions/queries";

/** A competition as the API shows it to one user (see docs/api.md, "Competition"). */
export async function competitionJson(
  prisma: PrismaClient,
  competition: Competition & { course: Pick<Course, "id" | "name"> },
  role: Role,
  userId: string,
  options: { detail?: boolean; now?: Date } = {},
) {
  const now = options.now ?? new Date();
  const isInstructor = can(role, "manage");
  const left = isInstructor ? null : await submissionsLeftToday(prisma, competition.id, competition.dailyLimit, userId, now);
  return {
    slug: competition.slug,
    title: competition.title,
    course: { id: competition.course.id, name: competition.course.name },
    dataset: competition.datasetId,
    metric: competition.metric,
    opensAt: competition.opensAt,
    closesAt: competition.closesAt,
    phase: competitionPhase(competition, now),
    allowedKinds: competition.allowedKinds.map((kind) => kind.toLowerCase()),
    dailyLimit: competition.dailyLimit,
    /** null for instructors: their baseline submissions are not limited. */
    remainingToday: left ? left.left : null,
    resetsAt: left ? left.resetsAt : null,
    role: isInstructor ? "instructor" : role === "TA" ? "ta" : "student",
    ...(options.detail
      ? {
          description: competition.description,
          publicFraction: competition.publicFraction,
          maxFinalSelections: competition.maxFinalSelections,
          trainingBudget: competition.trainingBudget,
          customTestSet: competition.testSetId !== null,
          /** { kind: "none" } or { kind: "penalty", perDayFraction, maxDays }; {} stored = none. */
          latePolicy: latePolicyOf(competition),
          /** 1 = individual work; teamMergeDeadline null = teams may change until the close. */
          teamSizeLimit: competition.teamSizeLimit,
          teamMergeDeadline: competition.teamMergeDeadline,
        }
      : {}),
  };
}
