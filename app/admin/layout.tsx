import { requireAdmin } from "@/web/session";

/** /admin: a real 403 for everyone but site administrators, checked above the page. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requireAdmin();
  return children;
}
