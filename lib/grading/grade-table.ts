import { AppError } from "@/lib/errors";
import type { Competition, Prisma, PrismaClient } from "@/lib/db";
import { computeStandings, type ScoredSubmission, type Standing } from "@/lib/leaderboard/standings";
import { lateDays, lateFactor, pointsForScore, roundPoints } from "./points";
import { gradingSchemeSchema, latePolicySchema, type GradingScheme, type LatePolicy } from "./schemes";

export interface GradeRow {
  userId: string;
  studentNumber: string | null;
  email: string;
  name: string;
  /** The best private score over all the student's (or their team's) scored submissions, selected or not; null without one. */
  bestPrivateScore: number | null;
  /** The private-leaderboard score: the best among the selected finals (else the best N public) that ranks the entrant; null without a scored submission. */
  finalPrivateScore: number | null;
  privateRank: number | null;
  /** Course points after the late policy, 2 decimals. */
  points: number;
  /** Days late of the graded submission after the close (0 when on time). */
  lateDays: number;
  /** Fraction of the points the late policy took off the graded submission (0 when on time or within an extension). */
  latePenalty: number;
  /** Why the grade is what it is, when that is not obvious; null otherwise. */
  note: string | null;
  /** The submission the points come from. */
  gradedSubmissionId: string | null;
  /** The team the student was graded with, if any. */
  teamName: string | null;
}

function isEmptyObject(value: Prisma.JsonValue): boolean {
  return !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** The competition's grading scheme and late policy, checked. A missing late policy ({}) means "none". */
export function gradingRules(competition: Pick<Competition, "gradingScheme" | "latePolicy">): { scheme: GradingScheme; latePolicy: LatePolicy } {
  const scheme = gradingSchemeSchema.safeParse(competition.gradingScheme);
  if (!scheme.success) {
    throw new AppError("UNPROCESSABLE", `This competition has no valid grading scheme (${scheme.error.issues[0]?.message ?? "it is empty"}). Set one in the competition settings, then export the grades.`);
  }
  const late = latePolicySchema.safeParse(isEmptyObject(competition.latePolicy) ? { kind: "none" } : competition.latePolicy);
  if (!late.success) {
    throw new AppError("UNPROCESSABLE", `This competition's late policy is not valid (${late.error.issues[0]?.message ?? "unreadable"}). Fix it in the competition settings, then export the grades.`);
  }
  return { scheme: scheme.data, latePolicy: late.data };
}

interface Candidate {
  standing: Standing;
  submission: ScoredSubmission;
  points: number;
  lateDays: number;
  /** Fraction of the points taken off. */
  penalty: number;
}

function daysLate(submission: ScoredSubmission, closesAt: Date): number {
  if (!submission.isLate) return 0;
  const days = lateDays(submission.createdAt, closesAt);
  return days === 0 ? 1 : days;
}

/**
 * The fraction of a submission's points taken off: the penalty fixed at upload (an upload within
 * an extension has none); for a late row without one (written before penalties were stored), the
 * policy's penalty for its days after the close.
 */
function penaltyOf(submission: ScoredSubmission, latePolicy: LatePolicy, closesAt: Date): number {
  if (submission.latePenalty !== null) return submission.latePenalty;
  return submission.isLate ? 1 - lateFactor(latePolicy, daysLate(submission, closesAt)) : 0;
}

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10} %`;

/**
 * One row per student enrolled in the competition's course (instructors are not graded), by name.
 * A student is graded on their private-leaderboard entry (their own, or their team's): among the
 * submissions counted there (final selections, else the best N public), the one earning the most
 * points after the late policy. That is the best-private-score one unless a late penalty makes an
 * on-time one worth more (the note says so). No scored submission: 0 points and a note.
 * The caller checks that the viewer is an instructor of the course.
 */
export async function gradeTable(prisma: PrismaClient, competitionId: string): Promise<GradeRow[]> {
  const { competition, privateOrder } = await computeStandings(prisma, competitionId);
  const { scheme, latePolicy } = gradingRules(competition);
  const students = await prisma.enrollment.findMany({
    where: { courseId: competition.courseId, role: "STUDENT" },
    select: { rosterName: true, studentNumber: true, user: { select: { id: true, email: true, name: true, studentNumber: true } } },
  });
  students.sort((a, b) => a.user.name.localeCompare(b.user.name) || a.user.email.localeCompare(b.user.email));

  const standingsOf = new Map<string, Standing[]>();
  for (const standing of privateOrder) {
    if (standing.isBaseline) continue;
    const people = new Set([...standing.submitterIds, ...(standing.entrant.type === "team" ? standing.entrant.members.map((m) => m.id) : [])]);
    for (const userId of people) standingsOf.set(userId, [...(standingsOf.get(userId) ?? []), standing]);
  }

  return students.map(({ user, rosterName, studentNumber }) => {
    // The course's class list names the student for its own grade export (the import keeps them on
    // the enrolment); the user's own values otherwise.
    const base = { userId: user.id, studentNumber: studentNumber ?? user.studentNumber, email: user.email, name: rosterName ?? user.name };
    let best: Candidate | null = null;
    for (const standing of standingsOf.get(user.id) ?? []) {
      for (const submission of standing.counted) {
        const days = daysLate(submission, competition.closesAt);
        const penalty = penaltyOf(submission, latePolicy, competition.closesAt);
        const points = roundPoints(pointsForScore(scheme, submission.privateScore) * (1 - penalty));
        const candidate = { standing, submission, points, lateDays: days, penalty };
        if (!best || isBetter(candidate, best)) best = candidate;
      }
    }
    if (!best) {
      return { ...base, bestPrivateScore: null, finalPrivateScore: null, privateRank: null, points: 0, lateDays: 0, latePenalty: 0, note: "No scored submission: 0 points.", gradedSubmissionId: null, teamName: null };
    }
    const { standing, submission } = best;
    const notes: string[] = [];
    if (!standing.usedFinalSelections) notes.push(`No final selection: graded on the best ${competition.maxFinalSelections} public submission${competition.maxFinalSelections === 1 ? "" : "s"}.`);
    if (submission.latePenalty !== null) {
      notes.push(`Uploaded late: ${percent(submission.latePenalty)} off (the late policy's penalty, fixed at upload).`);
    } else if (best.lateDays > 0) {
      if (latePolicy.kind === "none") notes.push(`Submitted ${best.lateDays} day${best.lateDays === 1 ? "" : "s"} late; this competition accepts no late work, so 0 points.`);
      else if (best.lateDays > latePolicy.maxDays) notes.push(`Submitted ${best.lateDays} days late, more than the ${latePolicy.maxDays} accepted: 0 points.`);
      else notes.push(`Submitted ${best.lateDays} day${best.lateDays === 1 ? "" : "s"} late: ${Math.round(lateFactor(latePolicy, best.lateDays) * 1000) / 10} % of the points kept.`);
    }
    if (submission.id !== standing.privateBest.id) {
      notes.push(`Graded on submission ${submission.id} (private score ${submission.privateScore}), which earns more points after the late penalty than the best-scoring one.`);
    }
    return {
      ...base,
      // Over every entrant the student belongs to (their own and their team's), selected or not.
      bestPrivateScore: Math.max(...(standingsOf.get(user.id) ?? []).flatMap((s) => s.submissions.map((sub) => sub.privateScore))),
      finalPrivateScore: standing.privateBest.privateScore,
      privateRank: standing.privateRank,
      points: best.points,
      lateDays: best.lateDays,
      latePenalty: best.penalty,
      note: notes.length > 0 ? notes.join(" ") : null,
      gradedSubmissionId: submission.id,
      teamName: standing.entrant.type === "team" ? standing.entrant.name : null,
    };
  });
}

/** The most points the scheme can give (linear: maxPoints; thresholds: the highest threshold's points), for an LMS's "points possible". */
export function maxPoints(scheme: GradingScheme): number {
  return scheme.kind === "linear" ? scheme.maxPoints : Math.max(...scheme.thresholds.map((t) => t.points));
}

/** More points; then the entrant's private-best submission; then the better private rank; then the earlier submission. */
function isBetter(a: Candidate, b: Candidate): boolean {
  if (a.points !== b.points) return a.points > b.points;
  const aBest = a.submission.id === a.standing.privateBest.id;
  const bBest = b.submission.id === b.standing.privateBest.id;
  if (aBest !== bBest) return aBest;
  const aRank = a.standing.privateRank ?? Infinity;
  const bRank = b.standing.privateRank ?? Infinity;
  if (aRank !== bRank) return aRank < bRank;
  return a.submission.createdAt < b.submission.createdAt;
}
