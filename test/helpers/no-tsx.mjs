// Preloaded (NODE_OPTIONS=--import) by the fast-start test: registers module hooks that refuse to
// resolve tsx or any TypeScript file, so a `holdout` run that would compile on the fly fails
// loudly instead of quietly taking 5 s.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (/^tsx(\\/|$)/.test(specifier) || /\\/node_modules\\/tsx\\//.test(specifier)) throw new Error("no-tsx: tsx was loaded (" + specifier + ")");
  const resolved = await next(specifier, context);
  if (/\\.(ts|tsx|mts|cts)$/.test(resolved.url)) throw new Error("no-tsx: a TypeScript file was loaded (" + resolved.url + ")");
  return resolved;
}
`),
);
