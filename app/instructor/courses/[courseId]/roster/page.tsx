import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RemoveStudentButton, RosterImport } from "@/components/instructor/roster-import";
import { LocalTime } from "@/components/local-time";
import { Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { requireCourseInstructor } from "@/web/session";
import { importRosterAction, removeStudentAction } from "../actions";

export const metadata: Metadata = { title: "Roster" };

export default async function RosterPage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  // Checked here too, not only in the layout: Next renders a page alongside its layouts (and
  // without them on client navigations), so a layout's check alone does not keep data out.
  await requireCourseInstructor(courseId);
  const course = await db().course.findUnique({
    where: { id: courseId },
    include: { enrollments: { include: { user: { select: { id: true, name: true, email: true, studentNumber: true, passwordHash: true } } }, orderBy: { createdAt: "asc" } } },
  });
  if (!course) notFound();
  const students = course.enrollments.filter((e) => e.role === "STUDENT").sort((a, b) => a.user.name.localeCompare(b.user.name));
  const instructors = course.enrollments.filter((e) => e.role === "INSTRUCTOR");
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
                      <td className="py-2 pr-3 text-right">
                        <RemoveStudentButton name={user.name} removeAction={removeStudentAction.bind(null, course.id, user.id)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <div className="min-w-0 space-y-6">
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
