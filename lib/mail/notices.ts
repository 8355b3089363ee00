import { recordAudit } from "@/lib/audit/record";
import type { Prisma, PrismaClient } from "@/lib/db";
import { privateRevealAt } from "@/lib/submissions/late";
import { mailConfigured, siteLink } from "./config";
import { closedMessage, scoredMessage } from "./messages";
import { enqueueMail } from "./outbox";

type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * "Your submission is scored": queued by the worker once the score is stored, for the submitter
 * when mail is on and they have not switched it off (User.emailOnScored). Once per submission (a
 * rescore sends nothing new). Baselines (instructors' reference submissions) send nothing.
 * Only the public score as the public leaderboard shows it (the private one stays hidden until
 * the close; under the probing guard, the guarded score the board shows, not the exact one).
 */
export async function enqueueScoredNotice(tx: Tx, submissionId: string): Promise<boolean> {
  if (!mailConfigured()) return false;
  const submission = await tx.submission.findUnique({
    where: { id: submissionId },
    select: {
      id: true,
      isBaseline: true,
      score: { select: { publicScore: true, ladderPublicScore: true, metric: true } },
      user: { select: { id: true, email: true, name: true, emailOnScored: true } },
      competition: { select: { slug: true, title: true, probingGuard: true } },
    },
  });
  if (!submission?.score || submission.isBaseline || !submission.user.emailOnScored) return false;
  const { user, competition, score } = submission;
  const message = scoredMessage({
    name: user.name,
    competitionTitle: competition.title,
    metric: score.metric,
    publicScore: competition.probingGuard ? score.ladderPublicScore : score.publicScore,
    reportUrl: siteLink(`/c/${competition.slug}/submissions/${submission.id}`),
    preferencesUrl: siteLink("/account"),
  });
  const job = await enqueueMail(tx, { to: user.email, ...message, userId: user.id, notice: "scored", dedupeKey: `scored:${submission.id}` });
  return job !== null;
}

/** Competitions whose results came out longer ago than this get no "closed" notice (e.g. when mail is switched on later). */
export const CLOSED_NOTICE_WINDOW_DAYS = 7;
/** How far back close times are looked at: extensions and late periods move the reveal after the close. */
const CLOSED_LOOKBACK_DAYS = 120;
export const CLOSED_NOTICE_ACTION = "mail.competition-closed";

/**
 * "Competition closed": once per competition, when its private results are revealed to students
 * (privateRevealAt: the close, or later with extensions and a late period), to every student of its
 * course who has a password (a claimed account) and has not switched it off (User.emailOnClosed).
 * The worker calls this every minute. Each competition is handled in one transaction under an
 * advisory lock, and an audit row ("mail.competition-closed") marks it done, so any number of
 * workers send each student one notice. A competition reopened before it is handled waits for its
 * new close. Returns the number of messages queued.
 */
export async function enqueueClosedNotices(prisma: PrismaClient, now = new Date()): Promise<number> {
  if (!mailConfigured()) return 0;
  const since = new Date(now.getTime() - CLOSED_NOTICE_WINDOW_DAYS * 24 * 3600 * 1000);
  const revealed = async (tx: Tx, competition: Parameters<typeof privateRevealAt>[0] & { id: string }) => {
    const reveal = privateRevealAt(competition, await tx.extension.findMany({ where: { competitionId: competition.id }, select: { closesAt: true } }));
    return reveal <= now && reveal > since;
  };
  const candidates = await prisma.competition.findMany({
    where: { closesAt: { lte: now, gt: new Date(now.getTime() - CLOSED_LOOKBACK_DAYS * 24 * 3600 * 1000) } },
    select: { id: true, closesAt: true, latePolicy: true },
  });
  const closed: Array<{ id: string }> = [];
  for (const candidate of candidates) if (await revealed(prisma, candidate)) closed.push(candidate);
  if (closed.length === 0) return 0;
  const done = new Set(
    (await prisma.auditLog.findMany({ where: { action: CLOSED_NOTICE_ACTION, targetId: { in: closed.map((c) => c.id) } }, select: { targetId: true } })).map((row) => row.targetId),
  );
  let queued = 0;
  for (const { id } of closed.filter((c) => !done.has(c.id))) {
    queued += await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`holdout:${CLOSED_NOTICE_ACTION}:${id}`}))`;
      if (await tx.auditLog.findFirst({ where: { action: CLOSED_NOTICE_ACTION, targetId: id }, select: { id: true } })) return 0;
      const competition = await tx.competition.findUnique({ where: { id }, select: { id: true, slug: true, title: true, closesAt: true, latePolicy: true, courseId: true, course: { select: { name: true } } } });
      if (!competition || !(await revealed(tx, competition))) return 0;
      const students = await tx.enrollment.findMany({
        where: { courseId: competition.courseId, role: "STUDENT", user: { passwordHash: { not: null }, emailOnClosed: true } },
        select: { rosterName: true, user: { select: { id: true, email: true, name: true, _count: { select: { submissions: { where: { competitionId: id } } } } } } },
      });
      let count = 0;
      for (const { rosterName, user } of students) {
        const message = closedMessage({
          name: rosterName ?? user.name,
          competitionTitle: competition.title,
          courseName: competition.course.name,
          submissions: user._count.submissions,
          leaderboardUrl: siteLink(`/c/${competition.slug}/leaderboard`),
          preferencesUrl: siteLink("/account"),
        });
        if (await enqueueMail(tx, { to: user.email, ...message, userId: user.id, notice: "closed", dedupeKey: `closed:${id}:${user.id}` })) count++;
      }
      await recordAudit(tx, { actorId: null, courseId: competition.courseId, action: CLOSED_NOTICE_ACTION, targetType: "Competition", targetId: id, details: { closesAt: competition.closesAt, recipients: count } });
      return count;
    });
  }
  return queued;
}
