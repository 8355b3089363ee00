/** Errors of the platform (missing data, our bugs), as opposed to the student's model: never counted against the student. */
export class PlatformError extends Error {
  readonly platform = true;
}

export function isPlatformError(error: unknown): error is PlatformError {
  return error instanceof PlatformError;
}
