import { requireInstructor } from "@/web/session";

/** Every /instructor page: a real 403 for students, checked above the pages' loading boundaries. */
export default async function InstructorLayout({ children }: { children: React.ReactNode }) {
  await requireInstructor();
  return children;
}
