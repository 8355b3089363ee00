/**
 * Errors meant for the person using Holdout. The message says what went wrong and what to do;
 * the code maps to an HTTP status in one place (httpStatus), for pages, actions and the API.
 */
import type { ZodType } from "zod";

export type ErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNPROCESSABLE"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function httpStatus(code: ErrorCode): number {
  return STATUS[code];
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Parses a form's or a request's input; the first problem becomes a 400 naming its field. */
export function parseInput<T>(schema: ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("BAD_REQUEST", issue?.message ?? "Check the form and try again.", issue?.path.length ? { field: String(issue.path[0]) } : undefined);
  }
  return parsed.data;
}
