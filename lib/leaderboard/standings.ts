import { AppError } from "@/lib/errors";
import type { Competition, PrismaClient } from "@/lib/db";

/** One scored, non-disqualified submission of an enrolled user, as the leaderboards see it. */
export interface ScoredSubmission {
  id: string;
  userId: string;
  /** The team the submission counts for: its own teamId, else the submitter's current team, else null. */
  teamId: string | null;
  createdAt: Date;
  selectedForFinal: boolean;
  isLate: boolean;
  /** Fraction of the grade taken off, fixed at upload (null: on time). */
  latePenalty: number | null;
  publicScore: number;
  privateScore: number;
  /**
   * The public score the public board shows: under the probing guard (lib/leaderboard/ladder.ts)
   * the Ladder's value for it, else its public score.
   */
  shownPublicScore: number;
}

export interface LeaderboardEntrant {
  /** The user id for a solo entrant, the team id for a team, "baseline:<label>" for a reference baseline. */
  id: string;
  /** "baseline": a labelled reference baseline (lib/baselines), one row per label, never ranked. */
  type: "user" | "team" | "baseline";
  /** The student's name or the team's name. No emails: every student of the course sees the boards. */
  name: string;
  /** Team members (enrolled ones), or the user themself. */
  members: Array<{ id: string; name: string }>;
}

/** Everything the boards and grading need about one entrant. */
export interface Standing {
  entrant: LeaderboardEntrant;
  /** Instructor entrants: shown on the boards for reference, never ranked, never graded. */
  isBaseline: boolean;
  /** All of the entrant's scored submissions, oldest first. */
  submissions: ScoredSubmission[];
  /** Users who made at least one of these submissions. */
  submitterIds: string[];
  lastSubmissionAt: Date;
  /** Best shown public score (shownPublicScore); ties go to the earlier submission. */
  publicBest: ScoredSubmission;
  publicRank: number | null;
  /**
   * The submissions that count for the private board: valid selected finals (else the best N
   * public ones) among those made before the close, plus every upload after the close (late, or
   * within an extension), which count on their own since the selection locks at the close.
   */
  counted: ScoredSubmission[];
  usedFinalSelections: boolean;
  /** Best private score among `counted`; ties go to the earlier submission. */
  privateBest: ScoredSubmission;
  privateRank: number | null;
}

export interface Standings {
  competition: Competition;
  /** Sorted by public standing (best first). */
  publicOrder: Standing[];
  /** Sorted by private standing (best first). */
  privateOrder: Standing[];
}

interface Row {
  id: string;
  userId: string;
  teamId: string | null;
  createdAt: Date;
  selectedForFinal: boolean;
  isBaseline: boolean;
  baselineLabel: string | null;
  isLate: boolean;
  latePenalty: number | null;
  publicScore: number;
  privateScore: number;
  ladderPublicScore: number | null;
  userName: string;
  enrollmentRole: string;
  teamName: string | null;
}

/** a before b when a has the higher score, then the earlier submission, then (for a stable order) the smaller id. */
function better(a: ScoredSubmission, b: ScoredSubmission, score: (s: ScoredSubmission) => number): number {
  return score(b) - score(a) || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
const byPublic = (a: ScoredSubmission, b: ScoredSubmission) => better(a, b, (s) => s.publicScore);
const byShownPublic = (a: ScoredSubmission, b: ScoredSubmission) => better(a, b, (s) => s.shownPublicScore);
const byPrivate = (a: ScoredSubmission, b: ScoredSubmission) => better(a, b, (s) => s.privateScore);

function rank(standings: Standing[], best: (s: Standing) => ScoredSubmission, compare: (a: ScoredSubmission, b: ScoredSubmission) => number, set: (s: Standing, rank: number | null) => void): Standing[] {
  const sorted = [...standings].sort((a, b) => compare(best(a), best(b)) || (a.entrant.id < b.entrant.id ? -1 : 1));
  let next = 1;
  for (const standing of sorted) set(standing, standing.isBaseline ? null : next++);
  return sorted;
}

/**
 * Loads a competition's scored submissions in two queries and works out both boards in memory.
 * Rules (Kaggle's): only SCORED, non-disqualified submissions of users currently enrolled in the
 * course; one entrant per team (a submission counts for its team, or for the submitter's current
 * team, else for the submitter alone); ties go to the earlier submission. Higher scores are better.
 */
export async function computeStandings(prisma: PrismaClient, competitionId: string): Promise<Standings> {
  const competition = await prisma.competition.findUnique({ where: { id: competitionId } });
  if (!competition) throw new AppError("NOT_FOUND", "This competition does not exist any more. Reload the course page.");

  const [rows, memberRows] = await Promise.all([
    prisma.$queryRaw<Row[]>`
      SELECT s."id", s."userId", COALESCE(s."teamId", tm."teamId") AS "teamId", s."createdAt", s."selectedForFinal", s."isBaseline", s."baselineLabel", s."isLate", s."latePenalty",
             sc."publicScore", sc."privateScore", sc."ladderPublicScore", u."name" AS "userName", e."role"::text AS "enrollmentRole", t."name" AS "teamName"
      FROM "Submission" s
      JOIN "Score" sc ON sc."submissionId" = s."id"
      JOIN "Enrollment" e ON e."userId" = s."userId" AND e."courseId" = ${competition.courseId}
      JOIN "User" u ON u."id" = s."userId"
      LEFT JOIN "TeamMember" tm ON tm."competitionId" = s."competitionId" AND tm."userId" = s."userId"
      LEFT JOIN "Team" t ON t."id" = COALESCE(s."teamId", tm."teamId")
      WHERE s."competitionId" = ${competitionId} AND s."status" = 'SCORED' AND s."disqualifiedAt" IS NULL
      ORDER BY s."createdAt", s."id"`,
    prisma.$queryRaw<Array<{ teamId: string; userId: string; name: string }>>`
      SELECT tm."teamId", u."id" AS "userId", u."name"
      FROM "TeamMember" tm
      JOIN "User" u ON u."id" = tm."userId"
      JOIN "Enrollment" e ON e."userId" = tm."userId" AND e."courseId" = ${competition.courseId}
      WHERE tm."competitionId" = ${competitionId}
      ORDER BY u."name", u."id"`,
  ]);

  const members = new Map<string, Array<{ id: string; name: string }>>();
  for (const row of memberRows) {
    const list = members.get(row.teamId) ?? [];
    list.push({ id: row.userId, name: row.name });
    members.set(row.teamId, list);
  }

  interface Group { entrant: LeaderboardEntrant; isBaseline: boolean; submissions: ScoredSubmission[]; submitters: Set<string> }
  const groups = new Map<string, Group>();
  for (const row of rows) {
    // A NaN or infinite score (a broken evaluation) never ranks.
    if (!Number.isFinite(row.publicScore) || !Number.isFinite(row.privateScore)) continue;
    // A labelled reference baseline is an entrant of its own (one row per label), whoever added it.
    const baselineLabel = row.isBaseline && row.baselineLabel ? row.baselineLabel : null;
    const key = baselineLabel ? `baseline:${baselineLabel}` : (row.teamId ?? row.userId);
    let group = groups.get(key);
    if (!group) {
      group = {
        entrant: baselineLabel
          ? { id: key, type: "baseline", name: baselineLabel, members: [] }
          : row.teamId
            ? { id: row.teamId, type: "team", name: row.teamName ?? "Team", members: members.get(row.teamId) ?? [] }
            : { id: row.userId, type: "user", name: row.userName, members: [{ id: row.userId, name: row.userName }] },
        isBaseline: false,
        submissions: [],
        submitters: new Set(),
      };
      groups.set(key, group);
    }
    if (baselineLabel || (!row.teamId && (row.enrollmentRole === "INSTRUCTOR" || row.isBaseline))) group.isBaseline = true;
    group.submitters.add(row.userId);
    group.submissions.push({
      id: row.id,
      userId: row.userId,
      teamId: row.teamId,
      createdAt: row.createdAt,
      selectedForFinal: row.selectedForFinal,
      isLate: row.isLate,
      latePenalty: row.latePenalty,
      publicScore: row.publicScore,
      privateScore: row.privateScore,
      shownPublicScore: competition.probingGuard && row.ladderPublicScore !== null && Number.isFinite(row.ladderPublicScore) ? row.ladderPublicScore : row.publicScore,
    });
  }

  const limit = Math.max(1, competition.maxFinalSelections);
  const standings: Standing[] = [];
  for (const group of groups.values()) {
    const byPublicScore = [...group.submissions].sort(byPublic);
    const afterClose = group.submissions.filter((s) => s.createdAt >= competition.closesAt);
    const beforeClose = byPublicScore.filter((s) => s.createdAt < competition.closesAt);
    const finals = beforeClose.filter((s) => s.selectedForFinal);
    const counted = [...(finals.length > 0 ? finals : beforeClose.slice(0, limit)), ...afterClose];
    standings.push({
      entrant: group.entrant,
      isBaseline: group.isBaseline,
      submissions: group.submissions,
      submitterIds: [...group.submitters],
      lastSubmissionAt: group.submissions[group.submissions.length - 1].createdAt,
      publicBest: [...group.submissions].sort(byShownPublic)[0],
      publicRank: null,
      counted,
      usedFinalSelections: finals.length > 0,
      privateBest: [...counted].sort(byPrivate)[0],
      privateRank: null,
    });
  }

  const publicOrder = rank(standings, (s) => s.publicBest, byShownPublic, (s, r) => (s.publicRank = r));
  const privateOrder = rank(standings, (s) => s.privateBest, byPrivate, (s, r) => (s.privateRank = r));
  return { competition, publicOrder, privateOrder };
}
