import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LocalTime } from "@/components/local-time";
import { PhaseBadge } from "@/components/ui/badge";
import { buttonClass, Card, secondaryButtonClass } from "@/components/ui/form";
import { competitionPhase } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { AddStaffForm, ArchiveCourseButton, DeleteTestSetButton, JoinCodeControls, StaffMemberControls } from "@/components/instructor/course-settings";
import { courseTestSets } from "@/lib/competitions/test-sets";
import { requireCourseInstructor } from "@/web/session";
import { addStaffAction, updateCourseAction } from "@/app/instructor/courses/[courseId]/actions";
import { changeMemberRoleAction, deleteTestSetAction, removeStaffAction } from "@/app/instructor/courses/[courseId]/staff-actions";

export const metadata: Metadata = { title: "Course" };

export default async function CoursePage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  // Checked here too, not only in the layout: Next renders a page alongside its layouts (and
  // without them on client navigations), so a layout's check alone does not keep data out.
  const user = await requireCourseInstructor(courseId);
  const course = await db().course.findUnique({
    where: { id: courseId },
    include: {
      competitions: { orderBy: { opensAt: "asc" }, include: { _count: { select: { submissions: true } } } },
      enrollments: { where: { role: { in: ["INSTRUCTOR", "TA"] } }, include: { user: { select: { name: true, email: true } } }, orderBy: { createdAt: "asc" } },
      _count: { select: { enrollments: { where: { role: "STUDENT" } } } },
    },
  });
  if (!course) notFound();
  const testSets = await courseTestSets(db(), user.id, courseId);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <div>
          <p className="text-sm">
            <Link href="/instructor" className="text-indigo-700 underline">
              ← Instructor
            </Link>
          </p>
          <h1 className="text-2xl font-semibold">
            {course.name}
            {course.term && <span className="ml-2 text-lg font-normal text-slate-600">{course.term}</span>}
            {course.archivedAt && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-sm font-normal text-amber-900">archived</span>}
          </h1>
          <p className="text-sm text-slate-600">
            {course._count.enrollments} students · join code <code className="rounded bg-slate-100 px-1.5 py-0.5">{course.joinCode}</code>
          </p>
        </div>
        <div className="flex gap-2">
          <Link href={`/instructor/courses/${course.id}/roster`} className={secondaryButtonClass}>
            Roster
          </Link>
          <Link href={`/instructor/courses/${course.id}/digits`} className={secondaryButtonClass}>
            Drawn digits
          </Link>
          <Link href={`/instructor/courses/${course.id}/competitions/new`} className={buttonClass}>
            New competition
          </Link>
        </div>
      </div>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">Competitions</h2>
        {course.competitions.length === 0 ? (
          <p className="text-sm text-slate-600">
            No competitions yet.{" "}
            <Link href={`/instructor/courses/${course.id}/competitions/new`} className="text-indigo-700 underline">
              Create the first one
            </Link>
            .
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Competitions of the course</caption>
              <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-3">Competition</th>
                  <th scope="col" className="py-2 pr-3">Dataset</th>
                  <th scope="col" className="py-2 pr-3">Closes</th>
                  <th scope="col" className="py-2 pr-3 text-right">Submissions</th>
                  <th scope="col" className="py-2 pr-3">Manage</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {course.competitions.map((competition) => (
                  <tr key={competition.id}>
                    <td className="py-2 pr-3">
                      <Link href={`/c/${competition.slug}`} className="font-medium text-indigo-700 hover:underline">
                        {competition.title}
                      </Link>{" "}
                      <PhaseBadge phase={competitionPhase(competition)} />
                    </td>
                    <td className="py-2 pr-3">{competition.datasetId}</td>
                    <td className="py-2 pr-3 whitespace-nowrap">
                      <LocalTime value={competition.closesAt.toISOString()} style="short" />
                    </td>
                    <td className="py-2 pr-3 text-right tabular-nums">{competition._count.submissions}</td>
                    <td className="space-x-3 py-2 pr-3 whitespace-nowrap">
                      <Link href={`/c/${competition.slug}/manage`} className="text-indigo-700 underline">
                        Settings
                      </Link>
                      <Link href={`/c/${competition.slug}/manage/submissions`} className="text-indigo-700 underline">
                        Submissions
                      </Link>
                      <Link href={`/c/${competition.slug}/manage/grades`} className="text-indigo-700 underline">
                        Grades
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">Joining</h2>
        <JoinCodeControls joinCode={course.joinCode} joinEnabled={course.joinEnabled} update={updateCourseAction.bind(null, course.id)} />
      </Card>
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Staff</h2>
        <p className="mb-3 text-sm text-slate-600">Co-instructors change everything an instructor can. Teaching assistants see every submission, the private leaderboard and the grades, and change nothing.</p>
        <ul className="mb-4 divide-y divide-slate-100 text-sm">
          {course.enrollments.map((member) => (
            <li key={member.id} className="flex items-start justify-between gap-2 py-1.5" data-testid="staff-member">
              <span>
                {member.user.name} <span className="text-slate-600">&lt;{member.user.email}&gt;</span>
              </span>
              <StaffMemberControls
                key={member.role}
                userId={member.userId}
                name={member.user.name}
                role={member.role === "INSTRUCTOR" ? "INSTRUCTOR" : "TA"}
                changeRole={changeMemberRoleAction.bind(null, course.id)}
                remove={removeStaffAction.bind(null, course.id)}
              />
            </li>
          ))}
        </ul>
        <AddStaffForm addStaff={addStaffAction.bind(null, course.id)} />
      </Card>
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Hidden test sets</h2>
        <p className="mb-3 text-sm text-slate-600">
          Uploaded on a competition&apos;s form or made from <Link href={`/instructor/courses/${course.id}/digits`} className="text-indigo-700 underline">drawn digits</Link>. A set a competition uses cannot be deleted.
        </p>
        {testSets.length === 0 ? (
          <p className="text-sm text-slate-600">None yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="test-sets">
            {testSets.map((testSet) => (
              <li key={testSet.id} className="flex items-start justify-between gap-2 py-1.5">
                <span>
                  <span className="font-medium">{testSet.name}</span>{" "}
                  <span className="text-slate-600">
                    {testSet.count} images, {testSet.shape.join("×")} · {testSet.competitions.length > 0 ? `used by ${testSet.competitions.map((c) => c.title).join(", ")}` : "not attached"}
                    {testSet.digitCollections.length > 0 && ` · drawn in ${testSet.digitCollections.map((c) => c.name).join(", ")}`} · <LocalTime value={testSet.createdAt.toISOString()} style="short" />
                  </span>
                </span>
                <DeleteTestSetButton name={testSet.name} remove={deleteTestSetAction.bind(null, testSet.id)} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Archive</h2>
        <p className="mb-3 text-sm text-slate-600">An archived course keeps everything readable but takes no joins and no new competitions.</p>
        <ArchiveCourseButton archived={course.archivedAt !== null} update={updateCourseAction.bind(null, course.id)} />
      </Card>
    </div>
  );
}
