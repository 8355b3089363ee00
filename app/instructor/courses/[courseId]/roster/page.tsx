import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ClaimLinkButton, ClaimLinks } from "@/components/instructor/claim-links";
import { PasswordResetButton } from "@/components/instructor/password-reset-button";
import { RemoveStudentButton, RosterImport } from "@/components/instructor/roster-import";
import { LocalTime } from "@/components/local-time";
import { Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { mailConfigured } from "@/lib/mail/config";
import { requireCourseInstructor } from "@/web/session";
import { createClaimLinksAction, importRosterAction, removeStudentAction, resetStudentPasswordAction } from "@/app/instructor/courses/[courseId]/actions";

export const metadata: Metadata = { title: "Roster" };

export default async function RosterPage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  // Checked here too, not only in the layout: Next renders a page alongside its layouts (and
  // without them on client navigations), so a layout's check alone does not keep data out.
  await requireCourseInstructor(courseId);
  const course = await db().course.findUnique({
    where: { id: courseId },
    include: {
      enrollments: { include: { user: { select: { id: true, name: true, email: true, studentNumber: true, passwordHash: true } } }, orderBy: { createdAt: "asc" } },
      pendingEnrollments: { include: { user: { select: { id: true, email: true } } }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!course) notFound();
  // The class list's name and number for this course where the import gave them.
  const students = course.enrollments
    .filter((e) => e.role === "STUDENT")
    .map((e) => ({ ...e, user: { ...e.user, name: e.rosterName ?? e.user.name, studentNumber: e.studentNumber ?? e.user.studentNumber } }))
    .sort((a, b) => a.user.name.localeCompare(b.user.name));
  const instructors = course.enrollments.filter((e) => e.role === "INSTRUCTOR");
  const enrolledIds = new Set(course.enrollments.map((e) => e.userId));
  const pending = course.pendingEnrollments.filter((p) => !enrolledIds.has(p.userId));
  const needLinks = students.filter((s) => !s.user.passwordHash).length + pending.length;
  const mail = mailConfigured();
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`/instructor/courses/${course.id}`} className="text-indigo-700 underline">
            ← {course.name}
          </Link>
        </p>
        <h1 className="text-2xl font-semibold">Roster</h1>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-2">
          <h2 className="mb-3 text-lg font-semibold">Students ({students.length})</h2>
          {students.length === 0 ? (
            <p className="text-sm text-slate-600">No students yet. Import the class list, or give students the join code.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="min-w-full text-sm" data-testid="roster">
                <caption className="sr-only">Students of the course</caption>
                <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="py-2 pr-3">Name</th>
                    <th scope="col" className="py-2 pr-3">Email</th>
                    <th scope="col" className="py-2 pr-3">Student id</th>
                    <th scope="col" className="py-2 pr-3">Joined</th>
                    <th scope="col" className="py-2 pr-3">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {students.map(({ user, createdAt }) => (
                    <tr key={user.id}>
                      <th scope="row" className="py-2 pr-3 text-left font-medium">
                        {user.name}
                        {!user.passwordHash && <span className="ml-2 text-xs font-normal text-slate-600">(not signed up yet)</span>}
                      </th>
                      <td className="py-2 pr-3">{user.email}</td>
                      <td className="py-2 pr-3">{user.studentNumber ?? "–"}</td>
                      <td className="py-2 pr-3 whitespace-nowrap">
                        <LocalTime value={createdAt.toISOString()} style="date" />
                      </td>
                      <td className="py-2 pr-3 text-right whitespace-nowrap">
                        {user.passwordHash ? (
                          <PasswordResetButton name={user.name} reset={resetStudentPasswordAction.bind(null, user.id)} />
                        ) : (
                          <ClaimLinkButton name={user.name} mail={mail} makeLink={createClaimLinksAction.bind(null, course.id, [user.id])} />
                        )}
                        <RemoveStudentButton name={user.name} removeAction={removeStudentAction.bind(null, course.id, user.id)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {pending.length > 0 && (
            <div className="mt-6">
              <h3 className="mb-2 font-semibold">Waiting to accept ({pending.length})</h3>
              <p className="mb-2 text-sm text-slate-600">
                These emails already had accounts with a password, so they are not enrolled until the student opens their claim link signed in as that account.
              </p>
              <ul className="divide-y divide-slate-100 text-sm" data-testid="pending-roster">
                {pending.map((p) => (
                  <li key={p.id} className="flex flex-wrap items-center gap-2 py-2">
                    <span className="font-medium">{p.rosterName}</span>
                    <span className="text-slate-600">{p.user.email}</span>
                    <span className="ml-auto whitespace-nowrap">
                      <ClaimLinkButton name={p.rosterName} mail={mail} makeLink={createClaimLinksAction.bind(null, course.id, [p.userId])} />
                      <RemoveStudentButton name={p.rosterName} removeAction={removeStudentAction.bind(null, course.id, p.userId)} />
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Card>
        <div className="min-w-0 space-y-6">
          <Card>
            <h2 className="mb-2 text-lg font-semibold">Claim links</h2>
            <ClaimLinks makeLinks={createClaimLinksAction.bind(null, course.id)} needed={needLinks} mail={mail} />
          </Card>
          <Card>
            <h2 className="mb-2 text-lg font-semibold">Join code</h2>
            <p className="text-2xl font-semibold tracking-wider">
              <code data-testid="join-code">{course.joinCode}</code>
            </p>
            <p className="mt-2 text-sm text-slate-600">Students sign up at /signup with this code, or enter it on their courses page.</p>
          </Card>
          <Card>
            <h2 className="mb-2 text-lg font-semibold">Instructors</h2>
            <ul className="text-sm">
              {instructors.map(({ user }) => (
                <li key={user.id}>
                  {user.name} <span className="text-slate-600">· {user.email}</span>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">Import a class list</h2>
        <RosterImport importAction={importRosterAction.bind(null, course.id)} />
      </Card>
    </div>
  );
}
