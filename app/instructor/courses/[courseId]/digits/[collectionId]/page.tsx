import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DigitGrid, MakeTestSetForm, StudentDrawingSettings } from "@/components/digits/collection-admin";
import { DrawDigit } from "@/components/digits/draw-digit";
import { Card } from "@/components/ui/form";
import { getDigitCollection } from "@/lib/competitions/digit-collections";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { requireCourseInstructor } from "@/web/session";
import { addDrawnDigitAction, deleteDrawnDigitAction, makeDigitTestSetAction, updateDigitCollectionAction } from "@/app/instructor/courses/[courseId]/digits/actions";

export const metadata: Metadata = { title: "Drawn digits" };

/** The grid shows the newest drawings (the API gives them all). */
const GRID_LIMIT = 1000;

export default async function DigitCollectionPage({ params }: { params: Promise<{ courseId: string; collectionId: string }> }) {
  const { courseId, collectionId } = await params;
  const user = await requireCourseInstructor(courseId);
  const collection = await getDigitCollection(db(), user.id, collectionId, { digitsLimit: GRID_LIMIT }).catch((error) => {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  if (collection.courseId !== courseId) notFound();
  const testSet = collection.testSetId ? await db().testSet.findUnique({ where: { id: collection.testSetId }, select: { name: true, count: true, competitions: { select: { slug: true, title: true } } } }) : null;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`/instructor/courses/${courseId}/digits`} className="text-indigo-700 underline">
            ← Drawn digits
          </Link>
        </p>
        <h1 className="text-2xl font-semibold">{collection.name}</h1>
        <p className="text-sm text-slate-600">
          {collection.count} digit{collection.count === 1 ? "" : "s"}. Students draw at <code className="rounded bg-slate-100 px-1">/courses/{courseId}/digits/{collection.id}</code> (linked on their course list while drawing is open).
        </p>
      </div>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">Draw</h2>
        <DrawDigit addDrawing={addDrawnDigitAction.bind(null, collection.id)} initialCounts={collection.perClassCounts} initialDrawnByYou={collection.viewer.drawnByYou} />
      </Card>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">Drawings</h2>
        <p className="mb-3 text-sm text-slate-600">
          As stored: 28×28, white on black, as the models see them, newest first{collection.count > GRID_LIMIT ? ` (the newest ${GRID_LIMIT} of ${collection.count})` : ""}. Delete the ones that are not a clear digit.
        </p>
        <DigitGrid digits={collection.digits.map(({ id, label, author, image }) => ({ id, label, author, image }))} remove={deleteDrawnDigitAction} />
      </Card>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">Students drawing</h2>
        <StudentDrawingSettings studentsMayDraw={collection.studentsMayDraw} studentsUntil={collection.studentsUntil} openToStudents={collection.openToStudents} update={updateDigitCollectionAction.bind(null, collection.id)} />
      </Card>
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Make a hidden test set</h2>
        <p className="mb-3 text-sm text-slate-600">
          The digits as they are now become one of the course&apos;s hidden test sets (an MNIST-shaped IDX pair), scored exactly like an uploaded one. Attach it on a competition&apos;s form before its first submission.
          {testSet && (
            <span className="block">
              Last made: “{testSet.name}” ({testSet.count} images){testSet.competitions.length > 0 ? `, used by ${testSet.competitions.map((c) => c.title).join(", ")}` : ", not attached yet"}.
            </span>
          )}
        </p>
        <MakeTestSetForm courseId={courseId} defaultName={`Drawn: ${collection.name}`.slice(0, 100)} count={collection.count} make={makeDigitTestSetAction.bind(null, collection.id)} />
      </Card>
    </div>
  );
}
