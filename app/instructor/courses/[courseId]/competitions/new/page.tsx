import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CompetitionForm } from "@/components/instructor/competition-form";
import { Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { requireCourseInstructor } from "@/web/session";
import { datasetChoices, defaultFormValues } from "@/web/view/competition-form";
import { createCompetitionAction } from "../../actions";

export const metadata: Metadata = { title: "New competition" };

export default async function NewCompetitionPage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  // Checked here too, not only in the layout: Next renders a page alongside its layouts (and
  // without them on client navigations), so a layout's check alone does not keep data out.
  await requireCourseInstructor(courseId);
  const course = await db().course.findUnique({ where: { id: courseId }, include: { testSets: { select: { id: true, name: true, count: true }, orderBy: { createdAt: "asc" } } } });
  if (!course) notFound();
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
      <Card>
        <CompetitionForm mode="create" initial={defaultFormValues()} datasets={datasetChoices()} testSets={course.testSets} courseId={course.id} save={createCompetitionAction.bind(null, course.id)} />
      </Card>
    </div>
  );
}
