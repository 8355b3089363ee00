import { requireCourseInstructor } from "@/web/session";

/** Instructors of this course only (a real 403 otherwise), checked above the pages' loading boundaries. */
export default async function CourseLayout({ children, params }: { children: React.ReactNode; params: Promise<{ courseId: string }> }) {
  await requireCourseInstructor((await params).courseId);
  return children;
}
