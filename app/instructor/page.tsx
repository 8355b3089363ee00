import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { requireInstructor } from "@/web/session";

export const metadata: Metadata = { title: "Instructor" };

export default async function InstructorPage() {
  const user = await requireInstructor();
  const courses = await db().course.findMany({
    where: { enrollments: { some: { userId: user.id, role: "INSTRUCTOR" } } },
    include: { competitions: { orderBy: { createdAt: "asc" } }, _count: { select: { enrollments: { where: { role: "STUDENT" } } } } },
  });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Instructor</h1>
      {courses.length === 0 && <p className="text-slate-600">You teach no course yet.</p>}
      {courses.map((course) => (
        <Card key={course.id}>
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="text-xl font-semibold">{course.name}</h2>
            <span className="text-sm text-slate-600">
              {course._count.enrollments} students · join code <code className="rounded bg-slate-100 px-1.5 py-0.5">{course.joinCode}</code>
            </span>
          </div>
          <ul className="mt-3 divide-y divide-slate-100">
            {course.competitions.map((competition) => (
              <li key={competition.id} className="flex justify-between py-2">
                <Link href={`/c/${competition.slug}`} className="text-indigo-700 hover:underline">{competition.title}</Link>
                <span className="text-sm text-slate-500">closes {competition.closesAt.toISOString().slice(0, 10)}</span>
              </li>
            ))}
          </ul>
        </Card>
      ))}
    </div>
  );
}
