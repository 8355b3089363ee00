import type { Metadata } from "next";
import Link from "next/link";
import { AddBaselines } from "@/components/instructor/add-baselines";
import { CloseNowButton } from "@/components/instructor/close-now";
import { CompetitionForm } from "@/components/instructor/competition-form";
import { Card } from "@/components/ui/form";
import { offeredBaselines } from "@/lib/baselines/add";
import { loadTestSetPreview } from "@/lib/competitions/test-sets";
import { db } from "@/lib/db";
import { loadCompetitionAsInstructor } from "@/web/view/competition";
import { datasetChoices, formValuesFromCompetition } from "@/web/view/competition-form";
import { addBaselineAction, closeNowAction, updateCompetitionAction } from "@/app/c/[slug]/manage/actions";

export const metadata: Metadata = { title: "Settings" };

export default async function ManagePage({ params }: { params: Promise<{ slug: string }> }) {
  const { competition, phase } = await loadCompetitionAsInstructor((await params).slug);
  const [testSets, submissions, attachedPreview, baselines] = await Promise.all([
    db().testSet.findMany({ where: { courseId: competition.courseId }, select: { id: true, name: true, count: true }, orderBy: { createdAt: "asc" } }),
    db().submission.count({ where: { competitionId: competition.id, status: { not: "CANCELLED" } } }),
    competition.testSetId ? loadTestSetPreview(db(), competition.testSetId, competition) : null,
    offeredBaselines(db(), competition),
  ]);
  return (
    <div className="space-y-6">
    {phase !== "closed" && (
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Close the competition</h2>
        <p className="mb-3 text-sm text-slate-600">Ends the competition at this moment instead of at its close time.</p>
        <CloseNowButton title={competition.title} closeNow={closeNowAction.bind(null, competition.id)} />
      </Card>
    )}
    <Card>
      <h2 className="mb-1 text-lg font-semibold">Reference baselines</h2>
      <p className="mb-3 text-sm text-slate-600">
        The lecture&apos;s models, trained by Holdout on this competition&apos;s data within its training budget, at low priority (students never wait behind them). Each appears on the
        leaderboard as a shaded, unranked row that students can compare their runs with.
      </p>
      <AddBaselines slug={competition.slug} baselines={baselines} add={addBaselineAction.bind(null, competition.id)} />
    </Card>
    <Card>
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-3">
        <h2 className="text-lg font-semibold">Competition settings</h2>
        <Link href={`/c/${competition.slug}?preview=student`} className="text-sm text-indigo-700 underline">
          Preview as a student
        </Link>
      </div>
      <CompetitionForm
        mode="edit"
        initial={formValuesFromCompetition(competition)}
        datasets={datasetChoices()}
        testSets={testSets}
        hasSubmissions={submissions > 0}
        courseId={competition.courseId}
        attachedPreview={attachedPreview}
        save={updateCompetitionAction.bind(null, competition.id)}
      />
    </Card>
    </div>
  );
}
