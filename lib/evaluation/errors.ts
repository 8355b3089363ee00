/** Errors of the platform (missing data, our bugs), as opposed to the student's model: never counted against the student. */
export class PlatformError extends Error {
  readonly platform = true;
}

export function isPlatformError(error: unknown): error is PlatformError {
  return error instanceof PlatformError;
}

/**
 * Errors of the engine itself rather than of a student's model: a native TensorFlow or CUDA
 * library that fails to load or fails mid-run (a GPU worker's driver, cuDNN or binding). These
 * words come from libtensorflow, CUDA and Node's addon loader, never from a model file.
 */
const ENGINE_FAILURE = /\b(CUDA_ERROR\w*|cuDNN|CUDNN_STATUS\w*|CUBLAS_STATUS\w*|libcudart|libcudnn|libcublas|libtensorflow)\b|GPU sync failed|Failed to load the native TensorFlow|The specified module could not be found|ERR_DLOPEN_FAILED/i;

export function isEngineFailure(error: unknown): boolean {
  const message = error instanceof Error ? `${error.message} ${(error as { code?: string }).code ?? ""}` : String(error);
  return ENGINE_FAILURE.test(message);
}
