import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DrawDigit } from "@/components/digits/draw-digit";
import { LocalTime } from "@/components/local-time";
import { Card } from "@/components/ui/form";
import { getDigitCollection } from "@/lib/competitions/digit-collections";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { requireUser } from "@/web/session";
import { addDrawnDigitAction } from "@/app/instructor/courses/[courseId]/digits/actions";

export const metadata: Metadata = { title: "Draw digits" };

/** Members of the course draw here while the collection lets them; they see counts, never others' drawings. */
export default async function DrawDigitsPage({ params }: { params: Promise<{ courseId: string; collectionId: string }> }) {
  const { courseId, collectionId } = await params;
  const user = await requireUser();
  const collection = await getDigitCollection(db(), user.id, collectionId).catch((error) => {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  if (collection.courseId !== courseId) notFound();
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/courses" className="text-indigo-700 underline">
            ← Your courses
          </Link>
        </p>
        <h1 className="text-2xl font-semibold">Draw digits: {collection.name}</h1>
        <p className="text-sm text-slate-600">
          Your drawings become part of a hidden test set for this course: draw each digit clearly, large, the way you would write it. Choose the digit you drew, then save.
          {collection.openToStudents && collection.studentsUntil && (
            <>
              {" "}Open until <LocalTime value={collection.studentsUntil} withUtc />.
            </>
          )}
        </p>
      </div>
      <Card>
        {collection.viewer.mayDraw ? (
          <DrawDigit addDrawing={addDrawnDigitAction.bind(null, collection.id)} initialCounts={collection.perClassCounts} initialDrawnByYou={collection.viewer.drawnByYou} />
        ) : (
          <p className="text-sm text-slate-700" data-testid="drawing-closed">
            This collection does not take drawings from students now{collection.studentsMayDraw ? ": its drawing window has closed" : ""}. You drew {collection.viewer.drawnByYou} of its {collection.count} digits.
          </p>
        )}
      </Card>
    </div>
  );
}
