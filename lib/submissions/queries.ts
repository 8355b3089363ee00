import { AppError } from "@/lib/errors";
import { readReport } from "@/lib/evaluation/report";
import { ladderView, scoreInterval } from "@/lib/leaderboard/explain";
import type { PrismaClient } from "@/lib/db";
import { competitionForUser, competitionPhase, privateRevealFor } from "@/lib/competitions/access";
import { can, isStaffRole } from "@/lib/courses/permissions";
import { queueEstimate } from "@/lib/queue/estimates";
import { submitterFacts } from "./admission";
import { nextUtcDay } from "./daily-limit";

/**
 * What a viewer may see of a submission. Students see their own (and their team's) and the labelled
 * reference baselines; the course's staff (instructors, co-instructors and TAs: lib/courses/permissions
 * "see") see all. Private-split numbers appear to students only once the private results are
 * revealed (privateRevealAt in ./late.ts: after the late period and every extension); staff: always.
 * Anyone else gets the same 404 as for a submission that does not exist.
 */
export async function submissionForViewer(prisma: PrismaClient, submissionId: string, viewerId: string) {
  const submission = await prisma.submission.findUnique({
    where: { id: submissionId },
    include: { competition: true, score: true, report: true, files: { select: { name: true, role: true, size: true } }, user: { select: { id: true, name: true } } },
  });
  if (!submission) throw new AppError("NOT_FOUND", "No such submission. Check the link, or find it on the competition page.");
  const enrollment = await prisma.enrollment.findUnique({ where: { userId_courseId: { userId: viewerId, courseId: submission.competition.courseId } } });
  const isStaff = isStaffRole(enrollment?.role);
  // A team's submissions are its members' to see (they choose the team's finals from them).
  const teammate =
    !!enrollment && !isStaff && submission.userId !== viewerId && !!submission.teamId &&
    !!(await prisma.teamMember.findUnique({ where: { competitionId_userId: { competitionId: submission.competitionId, userId: viewerId } }, select: { teamId: true } }).then((m) => m?.teamId === submission.teamId));
  // Labelled reference baselines (lib/baselines) are open to every member of the course, as their
  // leaderboard rows are: students compare their runs with them.
  const isReferenceBaseline = submission.isBaseline && submission.baselineLabel !== null;
  if (!enrollment || (!isStaff && submission.userId !== viewerId && !teammate && !isReferenceBaseline)) {
    throw new AppError("NOT_FOUND", "No such submission. Check the link, or find it on the competition page.");
  }
  const closed = competitionPhase(submission.competition) === "closed";
  const reveal = await privateRevealFor(prisma, submission.competition);
  const showPrivate = reveal.revealed || isStaff;
  const queue = submission.status === "QUEUED" ? await queueEstimate(prisma, submission.id) : null;
  const { report, score } = submission;
  return {
    id: submission.id,
    competition: { id: submission.competition.id, slug: submission.competition.slug, title: submission.competition.title, closesAt: submission.competition.closesAt, closed,
      /** Students see private results from then on (staff: always). */
      privateRevealAt: reveal.at, privateRevealed: reveal.revealed },
    user: submission.user,
    kind: submission.kind,
    format: submission.format,
    preprocessing: submission.preprocessing,
    trainingSettings: submission.trainingSettings,
    note: submission.note,
    status: submission.status,
    progress: submission.progress,
    failureReason: submission.failureReason,
    failureSource: submission.failureSource,
    selectedForFinal: submission.selectedForFinal,
    disqualifiedReason: submission.disqualifiedReason,
    isBaseline: submission.isBaseline,
    /** A reference baseline's label ("MLP", "CNN + augmentation"); null for other submissions. */
    baselineLabel: submission.baselineLabel,
    isLate: submission.isLate,
    /** Fraction of the grade taken off, fixed at upload (null: on time). */
    latePenalty: submission.latePenalty,
    createdAt: submission.createdAt,
    startedAt: submission.startedAt,
    finishedAt: submission.finishedAt,
    files: submission.files,
    /** Position in its lane under the fair claim order (lib/queue/lanes.ts), 1 = next. */
    queuePosition: queue?.position ?? null,
    /** Seconds until a worker should start it, from the lane's backlog and measured job times; null when not queued or no worker runs. */
    queueEtaSeconds: queue?.etaSeconds ?? null,
    queueLane: queue?.lane ?? null,
    score: score
      ? (() => {
          // Intervals and the probing guard's explanation (lib/leaderboard/explain.ts); per-example results never leave the server.
          const split = report ? readReport(report).splitInfo : null;
          return {
            metric: score.metric,
            public: score.publicScore,
            publicLoss: score.publicLoss,
            publicInterval: scoreInterval(score.publicScore, split?.publicCount),
            private: showPrivate ? score.privateScore : null,
            privateLoss: showPrivate ? score.privateLoss : null,
            privateInterval: showPrivate ? scoreInterval(score.privateScore, split?.privateCount) : null,
            ladder: ladderView(score, split?.publicCount ?? null),
          };
        })()
      : null,
    // The typed report (lib/evaluation/report.ts): every JSON column parsed with its schema.
    report: report
      ? (() => {
          const typed = readReport(report);
          return { ...typed, privateMetrics: showPrivate ? typed.privateMetrics : null };
        })()
      : null,
    /** May change things (rescore, disqualify): the course's instructors. */
    viewerIsInstructor: can(enrollment.role, "manage"),
    /** Sees every submission of the course: instructors and TAs. */
    viewerIsStaff: isStaff,
    /** The viewer made it, or their team did (only they may cancel it). */
    viewerIsOwner: submission.userId === viewerId || teammate,
  };
}
export type SubmissionView = Awaited<ReturnType<typeof submissionForViewer>>;

/**
 * A student's own submissions in a competition, newest first, with what they may see. In a team:
 * the team's (as the leaderboards and the final selection count them), each with who uploaded it.
 */
export async function ownSubmissions(prisma: PrismaClient, competitionSlug: string, userId: string) {
  const { competition } = await competitionForUser(prisma, competitionSlug, userId);
  const { revealed } = await privateRevealFor(prisma, competition);
  const teamId = (await prisma.teamMember.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId } }, select: { teamId: true } }))?.teamId;
  const memberIds = teamId ? (await prisma.teamMember.findMany({ where: { teamId }, select: { userId: true } })).map((m) => m.userId) : [];
  const rows = await prisma.submission.findMany({
    where: { competitionId: competition.id, ...(teamId ? { OR: [{ teamId }, { teamId: null, userId: { in: memberIds } }] } : { userId }) },
    include: { score: true, user: { select: { id: true, name: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((row) => ({
    id: row.id,
    submittedBy: row.user,
    isLate: row.isLate,
    latePenalty: row.latePenalty,
    kind: row.kind,
    format: row.format,
    status: row.status,
    progress: row.progress,
    failureReason: row.failureReason,
    note: row.note,
    createdAt: row.createdAt,
    selectedForFinal: row.selectedForFinal,
    disqualifiedReason: row.disqualifiedReason,
    publicScore: row.score?.publicScore ?? null,
    privateScore: revealed ? (row.score?.privateScore ?? null) : null,
  }));
}

/** How many submissions the user (their team, when they are in one) has left today in a competition, and when the count resets. */
export async function submissionsLeftToday(prisma: PrismaClient, competitionId: string, dailyLimit: number, userId: string, now = new Date()) {
  const { used } = await submitterFacts(prisma, competitionId, userId, now);
  return { used, left: Math.max(0, dailyLimit - used), resetsAt: nextUtcDay(now) };
}
