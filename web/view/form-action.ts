import { isAppError } from "@/lib/errors";
import type { ActionResult } from "@/web/action-result";
import { requireActionUser, type SessionUser } from "@/web/session";

/** Like ActionResult, plus the problems per form field (path "trainingBudget.maxEpochs" → message). */
export type FormActionResult<T> = (ActionResult<T> & { ok: true }) | { ok: false; error: string; code?: string; fieldErrors: Record<string, string>; details?: Record<string, unknown> };

/**
 * Runs a form's server action. AppErrors become words for the form, with `details.issues`
 * ([{ path, message }], from zod validation) or `details.field` mapped to fields.
 */
export async function runFormAction<T>(work: () => Promise<T>, successMessage?: string): Promise<FormActionResult<T>> {
  try {
    return { ok: true, data: await work(), message: successMessage };
  } catch (error) {
    if (isAppError(error)) {
      const fieldErrors: Record<string, string> = {};
      const issues = error.details?.issues;
      if (Array.isArray(issues)) {
        for (const issue of issues as Array<{ path?: unknown; message?: unknown }>) {
          const path = typeof issue.path === "string" ? issue.path : Array.isArray(issue.path) ? issue.path.join(".") : "";
          if (typeof issue.message === "string" && !(path in fieldErrors)) fieldErrors[path] = issue.message;
        }
      }
      if (typeof error.details?.field === "string") fieldErrors[error.details.field] = error.message;
      return { ok: false, error: error.message, code: error.code, fieldErrors, details: error.details };
    }
    if (error && typeof error === "object" && "digest" in error) throw error;
    console.error(error);
    return { ok: false, error: "Something went wrong on our side. Try again in a minute; if it keeps happening, tell your instructor.", fieldErrors: {} };
  }
}

/** The signed-in user inside a server action (actions answer with words, not redirects). */
export async function actionUser(): Promise<SessionUser> {
  return requireActionUser();
}
