import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { PhaseBadge } from "@/components/ui/badge";
import { Card, secondaryButtonClass } from "@/components/ui/form";
import { competitionPhase } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { requireInstructor } from "@/web/session";
import { CreateCourseForm } from "./create-course-form";

export const metadata: Metadata = { title: "Instructor" };

export default async function InstructorPage() {
  const user = await requireInstructor();
  const courses = await db().course.findMany({
    where: { enrollments: { some: { userId: user.id, role: "INSTRUCTOR" } } },
    include: {
      competitions: { orderBy: { createdAt: "asc" }, include: { _count: { select: { submissions: true } } } },
      _count: { select: { enrollments: { where: { role: "STUDENT" } } } },
    },
    orderBy: [{ archivedAt: { sort: "desc", nulls: "first" } }, { createdAt: "asc" }],
  });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Instructor</h1>
      {courses.length === 0 && <p className="text-slate-600">You teach no course yet. Create one below, or ask a colleague to add you to theirs as a co-instructor.</p>}
      {courses.map((course) => (
        <Card key={course.id}>
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="text-xl font-semibold">
              <Link href={`/instructor/courses/${course.id}`} className="hover:text-indigo-700 hover:underline">
                {course.name}
              </Link>
              {course.term && <span className="ml-2 text-base font-normal text-slate-600">{course.term}</span>}
              {course.archivedAt && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-normal text-amber-900">archived</span>}
            </h2>
            <span className="text-sm text-slate-600">
              {course._count.enrollments} students · join code <code className="rounded bg-slate-100 px-1.5 py-0.5">{course.joinCode}</code>
              {!course.joinEnabled && " (off)"}
            </span>
          </div>
          {course.competitions.length === 0 ? (
            <p className="mt-3 text-sm text-slate-600">No competitions yet.</p>
          ) : (
            <ul className="mt-3 divide-y divide-slate-100">
              {course.competitions.map((competition) => (
                <li key={competition.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span className="flex items-center gap-2">
                    <Link href={`/c/${competition.slug}`} className="text-indigo-700 hover:underline">
                      {competition.title}
                    </Link>
                    <PhaseBadge phase={competitionPhase(competition)} />
                  </span>
                  <span className="text-sm text-slate-600">
                    {competition._count.submissions} submissions · closes <LocalTime value={competition.closesAt.toISOString()} style="date" />
                  </span>
                </li>
              ))}
            </ul>
          )}
          <div className="mt-4 flex flex-wrap gap-2">
            <Link href={`/instructor/courses/${course.id}/competitions/new`} className={secondaryButtonClass}>
              New competition
            </Link>
            <Link href={`/instructor/courses/${course.id}/roster`} className={secondaryButtonClass}>
              Roster
            </Link>
          </div>
        </Card>
      ))}
      <Card>
        <h2 className="mb-3 text-lg font-semibold">Create a course</h2>
        <CreateCourseForm />
      </Card>
    </div>
  );
}
