import { loadCompetitionAsInstructor } from "@/web/view/competition";

/**
 * The settings page (and close now): instructors and co-instructors only. Checked here, above the
 * page's loading boundary, so a TA (let through by the manage layout for submissions and grades)
 * gets a real 403 status rather than a streamed one.
 */
export default async function SettingsLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string }> }) {
  await loadCompetitionAsInstructor((await params).slug);
  return children;
}
