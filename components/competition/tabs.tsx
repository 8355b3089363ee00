"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";

interface Tab {
  href: string;
  label: string;
  /** Active also on deeper paths (e.g. a submission under the overview). */
  prefix?: boolean;
  instructorOnly?: boolean;
  /** Instructors and teaching assistants. */
  staffOnly?: boolean;
}

/**
 * The competition's navigation. Instructor tabs disappear in `?preview=student`, and the preview
 * flag follows the student tabs so the instructor stays in the student's view.
 */
export function CompetitionTabs({ slug, isInstructor, isStaff = isInstructor }: { slug: string; isInstructor: boolean; isStaff?: boolean }) {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const preview = searchParams.get("preview") === "student";
  const base = `/c/${slug}`;
  const tabs: Tab[] = [
    { href: base, label: "Overview" },
    { href: `${base}/submit`, label: "Submit" },
    { href: `${base}/leaderboard`, label: "Leaderboard" },
    { href: `${base}/compare`, label: "Compare" },
    { href: `${base}/manage`, label: "Settings", instructorOnly: true },
    { href: `${base}/manage/submissions`, label: "All submissions", staffOnly: true },
    { href: `${base}/manage/grades`, label: "Grades", staffOnly: true },
    { href: `${base}/manage/teams`, label: "Teams & extensions", staffOnly: true },
  ];
  const visible = tabs.filter((tab) => (tab.instructorOnly ? isInstructor && !preview : tab.staffOnly ? isStaff && !preview : true));
  const isActive = (tab: Tab) => (tab.href === base ? pathname === base || pathname.startsWith(`${base}/submissions`) : pathname === tab.href);
  return (
    <nav aria-label="Competition" className="-mb-px flex flex-wrap gap-x-1 overflow-x-auto">
      {visible.map((tab) => {
        const active = isActive(tab);
        const href = preview && !tab.instructorOnly && !tab.staffOnly ? `${tab.href}?preview=student` : tab.href;
        return (
          <Link
            key={tab.href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={`whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
              active ? "border-indigo-600 text-indigo-800" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
            }`}
          >
            {tab.label}
          </Link>
        );
      })}
      {isInstructor &&
        (preview ? (
          <Link href={pathname} className="ml-auto self-center rounded-md bg-amber-100 px-3 py-1 text-sm font-medium text-amber-900 hover:bg-amber-200">
            Leave student preview
          </Link>
        ) : (
          <Link href={`${base}?preview=student`} className="ml-auto self-center rounded-md px-3 py-1 text-sm text-indigo-700 underline hover:text-indigo-900">
            Preview as a student
          </Link>
        ))}
    </nav>
  );
}
