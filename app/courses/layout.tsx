import { requireUser } from "@/web/session";

/** Signed-in users only: the redirect to /signin happens here, before the page's loading boundary streams. */
export default async function CoursesLayout({ children }: { children: React.ReactNode }) {
  await requireUser();
  return children;
}
