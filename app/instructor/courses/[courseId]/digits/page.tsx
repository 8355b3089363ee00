import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CreateCollectionForm } from "@/components/digits/collection-admin";
import { Card } from "@/components/ui/form";
import { listDigitCollections } from "@/lib/competitions/digit-collections";
import { db } from "@/lib/db";
import { requireCourseInstructor } from "@/web/session";
import { createDigitCollectionAction } from "@/app/instructor/courses/[courseId]/digits/actions";

export const metadata: Metadata = { title: "Drawn digits" };

export default async function DigitCollectionsPage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  // Checked here too, not only in the layout (a client navigation can render the page alone).
  const user = await requireCourseInstructor(courseId);
  const course = await db().course.findUnique({ where: { id: courseId }, select: { id: true, name: true } });
  if (!course) notFound();
  const collections = await listDigitCollections(db(), user.id, courseId);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`/instructor/courses/${course.id}`} className="text-indigo-700 underline">
            ← {course.name}
          </Link>
        </p>
        <h1 className="text-2xl font-semibold">Drawn digits</h1>
        <p className="text-sm text-slate-600">
          Draw digits yourself (and let students draw some), and Holdout turns them into a hidden MNIST test set nobody has trained on: each drawing is scaled into a 20×20 box and centred by its centre of mass in 28×28, as MNIST was made.
        </p>
      </div>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">Collections</h2>
        {collections.length === 0 ? (
          <p className="text-sm text-slate-600">No collections yet.</p>
        ) : (
          <table className="min-w-full text-sm">
            <caption className="sr-only">Digit collections of the course</caption>
            <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-3">Collection</th>
                <th scope="col" className="py-2 pr-3 text-right">Digits</th>
                <th scope="col" className="py-2 pr-3">Per class (0–9)</th>
                <th scope="col" className="py-2 pr-3">Students</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {collections.map((collection) => (
                <tr key={collection.id}>
                  <td className="py-2 pr-3">
                    <Link href={`/instructor/courses/${course.id}/digits/${collection.id}`} className="font-medium text-indigo-700 hover:underline">
                      {collection.name}
                    </Link>
                  </td>
                  <td className="py-2 pr-3 text-right tabular-nums">{collection.count}</td>
                  <td className="py-2 pr-3 font-mono text-xs">{collection.perClassCounts.join(" · ")}</td>
                  <td className="py-2 pr-3">{collection.openToStudents ? "drawing" : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">New collection</h2>
        <CreateCollectionForm courseId={course.id} create={createDigitCollectionAction.bind(null, course.id)} />
      </Card>
    </div>
  );
}
