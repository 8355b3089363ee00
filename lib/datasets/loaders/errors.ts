/**
 * Errors raised while reading dataset files. Messages name the file and what was expected, and
 * say what to do; they never contain pixel or label values (the test split is hidden data).
 */
export class DatasetFileError extends Error {
  readonly file: string;

  constructor(file: string, message: string) {
    super(message);
    this.name = "DatasetFileError";
    this.file = file;
  }
}

/** Appended to format errors: what a person should do about a bad file. */
export function fixHint(hint: string | undefined): string {
  return hint ? ` ${hint}` : "";
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
