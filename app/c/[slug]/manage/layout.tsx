import { loadCompetitionAsStaff } from "@/web/view/competition";

/** Instructor pages of a competition: a real 403 for the course's students, checked above the loading boundaries. */
export default async function ManageLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string }> }) {
  await loadCompetitionAsStaff((await params).slug);
  return children;
}
