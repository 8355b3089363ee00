import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CompetitionForm } from "@/components/instructor/competition-form";
import { Alert, Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { cachedDatasetAvailability } from "@/lib/demo/available-datasets";
import { requireCourseInstructor } from "@/web/session";
import { datasetChoices, defaultFormValues } from "@/web/view/competition-form";
import { createCompetitionAction } from "@/app/instructor/courses/[courseId]/actions";

export const metadata: Metadata = { title: "New competition" };

export default async function NewCompetitionPage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  // Checked here too, not only in the layout: Next renders a page alongside its layouts (and
  // without them on client navigations), so a layout's check alone does not keep data out.
  await requireCourseInstructor(courseId);
  const course = await db().course.findUnique({ where: { id: courseId }, include: { testSets: { select: { id: true, name: true, count: true }, orderBy: { createdAt: "asc" } } } });
  if (!course) notFound();
  // Only datasets whose verified test files this server has; the missing ones say how to fetch them.
  const availability = await cachedDatasetAvailability();
  const available = new Set(availability.filter((d) => d.available).map((d) => d.id));
  const datasets = datasetChoices().filter((d) => available.has(d.id));
  const missing = availability.filter((d) => !d.available);
  const defaults = defaultFormValues();
  const initial = datasets.length && !available.has(defaults.datasetId as never) ? { ...defaults, datasetId: datasets[0].id } : defaults;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`/instructor/courses/${course.id}`} className="text-indigo-700 underline">
            ← {course.name}
          </Link>
        </p>
        <h1 className="text-2xl font-semibold">New competition</h1>
      </div>
      {missing.length > 0 && (
        <Alert kind="info">
          <span data-testid="missing-datasets">
            Not offered, because their verified test files are not on this server: {missing.map((d) => d.id).join(", ")}. To offer one, run on the server{" "}
            {missing.map((d, i) => (
              <span key={d.id}>
                {i > 0 && ", "}
                <code className="rounded bg-white px-1 py-0.5">{d.fetchCommand}</code>
              </span>
            ))}
            , then reload this page within a minute.
          </span>
        </Alert>
      )}
      <Card>
        <CompetitionForm mode="create" initial={initial} datasets={datasets} testSets={course.testSets} courseId={course.id} save={createCompetitionAction.bind(null, course.id)} />
      </Card>
    </div>
  );
}
