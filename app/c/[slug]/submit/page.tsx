import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { UploadForm } from "@/components/submission/upload-form";
import { Alert, Card } from "@/components/ui/form";
import { DATASETS, isDatasetName } from "@/lib/datasets/registry";
import { resourceLimitsOf, trainingBudgetOf } from "@/lib/competitions/schema";
import { db } from "@/lib/db";
import { submissionAdmission } from "@/lib/submissions/admission";
import { isStudentPreview, loadCompetition } from "@/web/view/competition";
import { formatBytes, formatDuration, plural } from "@/web/view/format";

export const metadata: Metadata = { title: "Submit" };

export default async function SubmitPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const preview = isStudentPreview(await searchParams);
  const loaded = await loadCompetition(slug);
  const { competition, isInstructor, user } = loaded;
  // The same decision and messages as the API (lib/submissions/admission.ts).
  const admission = await submissionAdmission(db(), loaded, user.id);
  const limits = resourceLimitsOf(competition);
  const budget = trainingBudgetOf(competition);
  const dataset = isDatasetName(competition.datasetId) ? DATASETS[competition.datasetId] : null;

  const disabledReason = admission.refusal?.message ?? null;

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="min-w-0 lg:col-span-2">
        <Card>
          <h2 className="mb-4 text-lg font-semibold">Submit a model</h2>
          {!disabledReason && admission.late.status === "late" && admission.deadline.lateUntil && (
            <div className="mb-4">
              <Alert kind="info">
                <span data-testid="late-warning">
                  Your deadline (<LocalTime value={admission.deadline.closesAt.toISOString()} />) has passed: an upload now is late and loses{" "}
                  {Math.round(admission.late.penalty * 1000) / 10} % of its points. Late uploads are accepted until <LocalTime value={admission.deadline.lateUntil.toISOString()} />.
                </span>
              </Alert>
            </div>
          )}
          {!disabledReason && admission.late.status === "on-time" && admission.deadline.extension && admission.phase === "closed" && (
            <div className="mb-4">
              <Alert kind="info">
                <span data-testid="extension-note">
                  The competition has closed, but {admission.deadline.extension.forTeam ? "your team has" : "you have"} an extension until{" "}
                  <LocalTime value={admission.deadline.extension.closesAt.toISOString()} />: uploads before then are on time.
                </span>
              </Alert>
            </div>
          )}
          <UploadForm
            slug={competition.slug}
            allowedKinds={admission.allowedKinds}
            maxUploadBytes={admission.maxUploadBytes}
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
                <span className="text-2xl font-semibold tabular-nums">{admission.left}</span> of {admission.dailyLimit} submissions left today.
              </p>
              <p className="mt-1 text-sm text-slate-600">
                Resets <LocalTime value={admission.resetsAt.toISOString()} style="short" />.
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
            <li>Upload size up to {formatBytes(admission.maxUploadBytes)}.</li>
            <li>At most {limits.maxParams.toLocaleString("en-US")} parameters.</li>
            {admission.allowedKinds.includes("DEFINITION") && (
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
