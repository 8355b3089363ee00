import { loadSubmission } from "@/web/view/submission";

/** The access check runs here, above the page's loading boundary, so a 404 is a real 404. */
export default async function SubmissionLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  await loadSubmission(slug, id);
  return children;
}
