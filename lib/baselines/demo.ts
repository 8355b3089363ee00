/**
 * The demo course's baselines: at the first start, every demo competition gets the reference
 * baselines offered for its data, queued as the demo instructor in the low-priority lane. A
 * competition that already has a labelled baseline (any status) gets none, so a restart queues
 * nothing again.
 */
import type { PrismaClient } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { addBaseline, offeredBaselines } from "./add";

/** Per competition: the labels queued, and the baselines refused (e.g. over a small budget's parameter limit) with the reason. */
export async function queueDemoBaselines(prisma: PrismaClient, options: { instructorEmail: string; competitionSlugs: string[] }): Promise<Array<{ slug: string; labels: string[]; skipped: string[] }>> {
  const instructor = await prisma.user.findUnique({ where: { email: options.instructorEmail }, select: { id: true } });
  if (!instructor) return [];
  const queued: Array<{ slug: string; labels: string[]; skipped: string[] }> = [];
  for (const slug of options.competitionSlugs) {
    const competition = await prisma.competition.findUnique({ where: { slug } });
    if (!competition) continue;
    const existing = await prisma.submission.count({ where: { competitionId: competition.id, isBaseline: true, baselineLabel: { not: null } } });
    if (existing > 0) continue;
    const labels: string[] = [];
    const skipped: string[] = [];
    for (const baseline of await offeredBaselines(prisma, competition)) {
      try {
        await addBaseline(prisma, instructor.id, competition.id, baseline.id);
        labels.push(baseline.label);
      } catch (error) {
        if (!isAppError(error)) throw error;
        skipped.push(`${baseline.label}: ${error.message}`);
      }
    }
    if (labels.length || skipped.length) queued.push({ slug, labels, skipped });
  }
  return queued;
}
