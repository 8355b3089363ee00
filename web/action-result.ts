import { isAppError } from "@/lib/errors";

/** What a server action hands back to its form: never a thrown error, always words to show. */
export type ActionResult<T = undefined> = { ok: true; data: T; message?: string } | { ok: false; error: string; code?: string };

export async function runAction<T>(work: () => Promise<T>, successMessage?: string): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await work(), message: successMessage };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message, code: error.code };
    // Next's redirect()/forbidden() work by throwing: let them through.
    if (error && typeof error === "object" && "digest" in error) throw error;
    console.error(error);
    return { ok: false, error: "Something went wrong on our side. Try again in a minute; if it keeps happening, tell your instructor." };
  }
}
