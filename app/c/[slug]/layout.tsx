import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { CompetitionTabs } from "@/components/competition/tabs";
import { LocalTime } from "@/components/local-time";
import { PhaseBadge } from "@/components/ui/badge";
import { loadCompetition } from "@/web/view/competition";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { competition } = await loadCompetition((await params).slug);
  return { title: { default: competition.title, template: `%s · ${competition.title} · Holdout` } };
}

/**
 * Every /c/[slug] page: the access check (404 for people outside the course) runs here, above
 * the pages' loading boundaries, so it still sets the response status.
 */
export default async function CompetitionLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string }> }) {
  const { competition, isInstructor, isStaff, phase } = await loadCompetition((await params).slug);
  return (
    <div className="space-y-6">
      <header className="space-y-3 border-b border-slate-200">
        <p className="text-sm text-slate-600">
          <Link href="/courses" className="hover:text-indigo-700 hover:underline">
            {competition.course.name}
          </Link>
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{competition.title}</h1>
          <PhaseBadge phase={phase} />
        </div>
        <p className="text-sm text-slate-600">
          {phase === "upcoming" ? "Opens " : "Opened "}
          <LocalTime value={competition.opensAt.toISOString()} withUtc /> · {phase === "closed" ? "closed " : "closes "}
          <LocalTime value={competition.closesAt.toISOString()} withUtc />
        </p>
        <Suspense fallback={<div className="h-10" />}>
          <CompetitionTabs slug={competition.slug} isInstructor={isInstructor} isStaff={isStaff} />
        </Suspense>
      </header>
      {children}
    </div>
  );
}
