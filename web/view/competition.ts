import { forbidden, notFound } from "next/navigation";
import { cache } from "react";
import { competitionForUser, competitionPhase, privateRevealFor } from "@/lib/competitions/access";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { requireUser } from "@/web/session";

/**
 * The competition at /c/[slug] as the signed-in viewer may see it, once per request. Outsiders
 * (not in the course) get the same 404 as for a slug that does not exist.
 */
export const loadCompetition = cache(async (slug: string) => {
  const user = await requireUser();
  try {
    const access = await competitionForUser(db(), safeDecode(slug), user.id);
    // When students see private results (after the late period and extensions, if any).
    const reveal = await privateRevealFor(db(), access.competition);
    return { ...access, user, phase: competitionPhase(access.competition), reveal };
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export type LoadedCompetition = Awaited<ReturnType<typeof loadCompetition>>;

/** For competition pages that change things (instructors, co-instructors): a real 403 for everyone else in the course. */
export async function loadCompetitionAsInstructor(slug: string): Promise<LoadedCompetition> {
  const loaded = await loadCompetition(slug);
  if (!loaded.isInstructor) forbidden();
  return loaded;
}

/** For staff pages that only show (all submissions, grades): instructors and TAs; a real 403 for students. */
export async function loadCompetitionAsStaff(slug: string): Promise<LoadedCompetition> {
  const loaded = await loadCompetition(slug);
  if (!loaded.isStaff) forbidden();
  return loaded;
}

/** Route params as typed; a malformed %-escape is just a name that matches nothing (404), not a 500. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `?preview=student` lets an instructor see the student view without instructor controls. */
export function isStudentPreview(searchParams: Record<string, string | string[] | undefined> | undefined): boolean {
  const value = searchParams?.preview;
  return value === "student" || (Array.isArray(value) && value.includes("student"));
}

/** Stored JSON settings with defaults for display. */
export function jsonRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
