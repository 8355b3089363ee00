import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { PhaseBadge } from "@/components/ui/badge";
import { Card } from "@/components/ui/form";
import { competitionPhase } from "@/lib/competitions/access";
import { collectionsOpenToStudents } from "@/lib/competitions/digit-collections";
import { isStaffRole } from "@/lib/courses/permissions";
import { db } from "@/lib/db";
import { requireUser } from "@/web/session";
import { JoinCourseForm } from "./join-course-form";

export const metadata: Metadata = { title: "Your courses" };

export default async function CoursesPage() {
  const user = await requireUser();
  const enrollments = await db().enrollment.findMany({
    where: { userId: user.id },
    include: { course: { include: { competitions: { orderBy: { closesAt: "asc" } } } } },
    orderBy: { createdAt: "asc" },
  });
  const drawing = await collectionsOpenToStudents(db(), enrollments.map((enrollment) => enrollment.courseId));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Your courses</h1>
      {enrollments.length === 0 && <p className="text-slate-600">You are not in any course yet. Enter the join code your instructor gave you.</p>}
      {enrollments.map(({ course, role }) => (
        <Card key={course.id}>
          <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="text-xl font-semibold">
              {course.name}
              {course.term && <span className="ml-2 text-base font-normal text-slate-600">{course.term}</span>}
              {role === "TA" && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">teaching assistant</span>}
              {course.archivedAt && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-normal text-amber-900">archived</span>}
            </h2>
            {isStaffRole(role) && <span className="text-sm text-slate-500">Join code: <code className="rounded bg-slate-100 px-1.5 py-0.5">{course.joinCode}</code></span>}
          </div>
          {course.competitions.length === 0 ? (
            <p className="text-sm text-slate-600">No competitions yet.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {course.competitions.map((competition) => (
                <li key={competition.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span className="flex items-center gap-2">
                    <Link href={`/c/${competition.slug}`} className="font-medium text-indigo-700 hover:underline">{competition.title}</Link>
                    <PhaseBadge phase={competitionPhase(competition)} />
                  </span>
                  <span className="text-sm text-slate-600">
                    {competitionPhase(competition) === "upcoming" ? "opens " : competitionPhase(competition) === "open" ? "closes " : "closed "}
                    <LocalTime value={(competitionPhase(competition) === "upcoming" ? competition.opensAt : competition.closesAt).toISOString()} style="short" /> · {competition.datasetId}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {drawing
            .filter((collection) => collection.courseId === course.id)
            .map((collection) => (
              <p key={collection.id} className="mt-3 rounded-md bg-indigo-50 px-3 py-2 text-sm">
                Help make a fresh test set:{" "}
                <Link href={`/courses/${course.id}/digits/${collection.id}`} className="font-medium text-indigo-700 underline">
                  draw digits for “{collection.name}”
                </Link>
                {collection.studentsUntil && (
                  <>
                    {" "}(until <LocalTime value={collection.studentsUntil} style="short" />)
                  </>
                )}
              </p>
            ))}
        </Card>
      ))}
      <Card>
        <JoinCourseForm />
      </Card>
    </div>
  );
}
