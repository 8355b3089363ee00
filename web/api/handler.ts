import { ZodError } from "zod";
import { AppError, isAppError } from "@/lib/errors";
import { env } from "@/lib/env";

/**
 * Route handlers of /api/v1 run inside apiHandler: it maps every failure to one JSON shape,
 * `{ error: CODE, message, ...details }`, with the status of the AppError code (lib/errors.ts).
 * Anything unexpected is logged and answered with a generic 500, never a stack trace.
 */
export interface ApiErrorBody {
  error: string;
  message: string;
  [detail: string]: unknown;
}

const NO_STORE = { "Cache-Control": "no-store" };

export function apiJson(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(data, { status: init.status ?? 200, headers: { ...NO_STORE, ...init.headers } });
}

export function errorResponse(error: unknown): Response {
  if (isAppError(error)) return appErrorResponse(error);
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    const message = `The request is not valid: ${issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ")}. Fix these and send it again.`;
    return apiJson({ error: "BAD_REQUEST", message, issues } satisfies ApiErrorBody, { status: 400 });
  }
  console.error("[api] unexpected error:", error);
  return apiJson(
    { error: "INTERNAL", message: "Something went wrong on our side. Try again in a minute; if it keeps happening, tell your instructor." } satisfies ApiErrorBody,
    { status: 500 },
  );
}

function appErrorResponse(error: AppError): Response {
  const headers: Record<string, string> = {};
  const retryAfter = error.details?.retryAfterSeconds;
  if (error.code === "RATE_LIMITED" && typeof retryAfter === "number") headers["Retry-After"] = String(Math.max(1, Math.ceil(retryAfter)));
  if (error.code === "UNAUTHENTICATED") headers["WWW-Authenticate"] = 'Bearer realm="holdout"';
  const body: ApiErrorBody = { ...error.details, error: error.code, message: error.message };
  return apiJson(body, { status: error.status, headers });
}

export interface RouteContext<P> {
  params: Promise<P>;
}

/** Wraps a route handler: awaits the route params and maps thrown errors to JSON responses. */
export function apiHandler<P = Record<string, never>>(fn: (request: Request, params: P) => Promise<Response>) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      return await fn(request, await context.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** The site's public URL (NEXTAUTH_URL when set, else the request's own origin), without a trailing slash. */
export function publicBaseUrl(request: Request): string {
  const configured = env().NEXTAUTH_URL;
  return (configured ?? new URL(request.url).origin).replace(/\/+$/, "");
}

export function notFound(message: string): never {
  throw new AppError("NOT_FOUND", message);
}
