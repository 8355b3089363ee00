import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { UploadForm } from "@/components/submission/upload-form";
import { Card } from "@/components/ui/form";
import { DATASETS, isDatasetName } from "@/datasets/registry";
import { resourceLimitsOf, trainingBudgetOf } from "@/lib/competitions/schema";
import { db } from "@/lib/db";
import { submissionsLeftToday } from "@/lib/submissions/queries";
import { isStudentPreview, loadCompetition } from "@/web/view/competition";
import { formatBytes, formatDuration, plural } from "@/web/view/format";

export const metadata: Metadata = { title: "Submit" };

export default async function SubmitPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const preview = isStudentPreview(await searchParams);
  const { competition, isInstructor, phase, user } = await loadCompetition(slug);
  const quota = await submissionsLeftToday(db(), competition.id, competition.dailyLimit, user.id);
  const limits = resourceLimitsOf(competition);
  const budget = trainingBudgetOf(competition);
  const dataset = isDatasetName(competition.datasetId) ? DATASETS[competition.datasetId] : null;

  let disabledReason: string | null = null;
  if (!isInstructor && phase === "upcoming") disabledReason = "The competition has not opened yet. The form works from the opening time on.";
  else if (!isInstructor && phase === "closed") disabledReason = "The competition is closed; it takes no more submissions.";
  else if (!isInstructor && quota.left <= 0) disabledReason = `You have used all ${competition.dailyLimit} submissions for today. The count resets at 00:00 UTC.`;

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="min-w-0 lg:col-span-2">
        <Card>
          <h2 className="mb-4 text-lg font-semibold">Submit a model</h2>
          <UploadForm
            slug={competition.slug}
            allowedKinds={competition.allowedKinds}
            maxUploadBytes={limits.maxUploadBytes}
            maxEpochs={budget.maxEpochs}
            channels={dataset?.shape[2] ?? 1}
            keepQuery={preview ? "?preview=student" : ""}
            disabledReason={disabledReason}
          />
        </Card>
      </div>
      <aside className="min-w-0 space-y-6" aria-label="Submission limits">
        <Card>
          <h2 className="mb-2 text-lg font-semibold">Today</h2>
          {isInstructor && !preview ? (
            <p className="text-sm text-slate-700">Instructors have no daily limit; your submissions are baselines.</p>
          ) : (
            <>
              <p className="text-sm text-slate-700">
                <span className="text-2xl font-semibold tabular-nums">{quota.left}</span> of {competition.dailyLimit} submissions left today.
              </p>
              <p className="mt-1 text-sm text-slate-600">
                Resets <LocalTime value={quota.resetsAt.toISOString()} style="short" />.
              </p>
            </>
          )}
        </Card>
        <Card>
          <h2 className="mb-2 text-lg font-semibold">What Holdout checks</h2>
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
            {dataset && (
              <li>
                Input {dataset.shape.join(" × ")} and {dataset.numClasses} outputs ({dataset.title}).
              </li>
            )}
            <li>Upload size up to {formatBytes(limits.maxUploadBytes)}.</li>
            <li>At most {limits.maxParams.toLocaleString("en-US")} parameters.</li>
            {competition.allowedKinds.includes("DEFINITION") && (
              <li>
                Definitions train for at most {plural(budget.maxEpochs, "epoch")} and {formatDuration(budget.maxSeconds)}.
              </li>
            )}
            <li>A file that fails the checks is refused right away and does not count.</li>
          </ul>
          <p className="mt-3 text-sm">
            <Link href={`/c/${competition.slug}${preview ? "?preview=student" : ""}`} className="text-indigo-700 underline">
              Back to the competition
            </Link>
          </p>
        </Card>
      </aside>
    </div>
  );
}
