import type { Metadata } from "next";
import { Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { mailConfigured } from "@/lib/mail/config";
import { requireAdmin } from "@/web/session";
import { CreateInstructorForm } from "./create-instructor-form";
import { AdminResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Administration" };

/** The site administrator's page: instructor accounts (site administrators only; 403 for everyone else). */
export default async function AdminPage() {
  await requireAdmin();
  const instructors = await db().user.findMany({
    where: { role: "INSTRUCTOR" },
    select: { id: true, name: true, email: true, mustChangePassword: true, _count: { select: { enrollments: { where: { role: "INSTRUCTOR" } } } } },
    orderBy: { createdAt: "asc" },
  });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Administration</h1>
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Create an instructor account</h2>
        <p className="mb-4 text-sm text-slate-600">The instructor signs in with the one-time password, chooses their own, then creates their courses. An existing email is reset (a new one-time password; its sessions end).</p>
        <CreateInstructorForm />
      </Card>
      <Card>
        <h2 className="mb-1 text-lg font-semibold">Reset a password</h2>
        <p className="mb-4 text-sm text-slate-600">
          Makes a one-time link with which the account chooses a new password (its sessions end when it is used). {mailConfigured() ? "The link is mailed to the account's address." : "This site sends no mail: the link is shown here for you to hand out."}
        </p>
        <AdminResetPasswordForm />
      </Card>
      <Card>
        <h2 className="mb-3 text-lg font-semibold">Instructors</h2>
        {instructors.length === 0 ? (
          <p className="text-sm text-slate-600">No instructor accounts yet.</p>
        ) : (
          <table className="min-w-full text-sm">
            <caption className="sr-only">Instructor accounts</caption>
            <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-3">Name</th>
                <th scope="col" className="py-2 pr-3">Email</th>
                <th scope="col" className="py-2 pr-3 text-right">Courses</th>
                <th scope="col" className="py-2 pr-3">Password</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {instructors.map((instructor) => (
                <tr key={instructor.id}>
                  <td className="py-2 pr-3">{instructor.name}</td>
                  <td className="py-2 pr-3">{instructor.email}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">{instructor._count.enrollments}</td>
                  <td className="py-2 pr-3">{instructor.mustChangePassword ? "one-time (not yet changed)" : "chosen"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
