/**
 * Removes server paths from text that reaches a student (error messages of the engine, the
 * runtime or our own code): an absolute path or file:// URL keeps only its last part, so
 * "/srv/holdout/node_modules/x/dist/index.js" reads "…/index.js". Relative names, shapes like
 * (28, 28, 1) and fractions like 1/255 are left alone.
 */
const ABSOLUTE_PATH = /(?<![\w.:/])(?:file:\/\/)?\/(?:[\w.@+~-]+\/)+([\w.@+~-]*)/g;

export function scrubPaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, (_match, last: string) => `…/${last}`);
}
