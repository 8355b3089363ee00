import { notFound } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { submissionForViewer } from "@/lib/submissions/queries";
import { requireUser } from "@/web/session";
import { safeDecode } from "./competition";

/** A submission as the viewer may see it (own, or any for the course's instructors), or a 404. */
export const loadSubmission = cache(async (slug: string, id: string) => {
  const user = await requireUser();
  try {
    const submission = await submissionForViewer(db(), safeDecode(id), user.id);
    if (submission.competition.slug !== safeDecode(slug)) notFound();
    return submission;
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});
