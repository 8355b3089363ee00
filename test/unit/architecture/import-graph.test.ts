/**
 * The project's import graph, read from the sources with TypeScript's own pre-parser (type-only
 * imports and re-exports count: a type-level circle is still a circle for a reader). Fails on
 * any import circle and on arrows that point the wrong way between the top-level folders.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const SOURCE_ROOTS = ["app", "components", "web", "lib", "worker", "cli", "scripts", "bench", "proxy.ts"];
const EXTENSIONS = [".ts", ".tsx", ".mts", ".mjs"];

function sourceFiles(): string[] {
  const files: string[] = [];
  const visit = (entry: string) => {
    const stats = statSync(entry);
    if (stats.isDirectory()) {
      if (path.basename(entry) === "generated" || path.basename(entry) === "node_modules") return;
      for (const child of readdirSync(entry)) visit(path.join(entry, child));
    } else if (EXTENSIONS.includes(path.extname(entry)) && !entry.endsWith(".d.ts")) files.push(entry);
  };
  for (const root of SOURCE_ROOTS) if (existsSync(path.join(ROOT, root))) visit(path.join(ROOT, root));
  return files;
}

function resolveImport(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = path.join(ROOT, specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(from), specifier);
  else return null; // a package
  const candidates = [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => path.join(base, `index${ext}`))];
  if (/\.m?js$/.test(base)) candidates.push(base.replace(/\.m?js$/, ".ts"));
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? null;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = info.importedFiles.map((ref) => resolveImport(file, ref.fileName)).filter((target): target is string => target !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan), as repo-relative paths. */
function circles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string) => {
    indices.set(node, index);
    lowlinks.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        connect(next);
        lowlinks.set(node, Math.min(lowlinks.get(node)!, lowlinks.get(next)!));
      } else if (onStack.has(next)) lowlinks.set(node, Math.min(lowlinks.get(node)!, indices.get(next)!));
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(path.relative(ROOT, member));
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) connect(node);
  return found;
}

const topFolder = (file: string) => path.relative(ROOT, file).split(path.sep)[0];

describe("import graph", () => {
  const graph = importGraph();

  it("reads the whole project", () => {
    expect(graph.size).toBeGreaterThan(200);
  });

  it("has no import circle", () => {
    expect(circles(graph)).toEqual([]);
  });

  it.each([
    // Domain code is shared by the web app, the worker and the CLI: it depends on none of them.
    ["lib", ["app", "components", "web", "worker", "cli", "scripts", "bench"]],
    // Next.js glue serves pages; UI pieces may use its view helpers, not the other way round.
    ["web", ["app", "components", "worker", "cli"]],
    ["components", ["app", "worker", "cli"]],
    ["worker", ["app", "components", "web", "cli"]],
  ])("%s/ imports nothing from %j", (from, forbidden) => {
    const wrong = [...graph.entries()]
      .filter(([file]) => topFolder(file) === from)
      .flatMap(([file, targets]) => targets.filter((target) => forbidden.includes(topFolder(target))).map((target) => `${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`));
    expect(wrong).toEqual([]);
  });

  // .mjs files run under plain Node (no path aliases), so only TypeScript sources follow the rule.
  it("uses one import style: @/ across folders, ./ only for a file's own folder and below", () => {
    const parentRelative = [...graph.keys()].filter((file) => /\.tsx?$/.test(file)).flatMap((file) =>
      ts
        .preProcessFile(readFileSync(file, "utf8"), true, true)
        .importedFiles.filter((ref) => ref.fileName.startsWith("../"))
        .map((ref) => `${path.relative(ROOT, file)} imports ${ref.fileName}`),
    );
    expect(parentRelative).toEqual([]);
  });

  // Uploads (students' models, instructors' test sets) are parsed only inside the sandboxed child.
  it.each([
    ["checkSubmissionFiles(", ["lib/submissions/check-files.ts"]],
    ["parseCustomTestSet(", ["lib/datasets/custom.ts"]],
  ])("%s is called only by the sandboxed child (worker/child.ts)", (call, definedIn) => {
    const callers = [...graph.keys()]
      .map((file) => path.relative(ROOT, file))
      .filter((file) => file !== "worker/child.ts" && !definedIn.includes(file))
      .filter((file) => readFileSync(path.join(ROOT, file), "utf8").includes(call));
    expect(callers).toEqual([]);
  });

  it("lib/ has no Next.js or React import (the worker and the CLI load it without Next)", () => {
    const wrong = [...graph.keys()]
      .filter((file) => topFolder(file) === "lib")
      .filter((file) => ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.some((ref) => /^(next|react|react-dom)(\/|$)/.test(ref.fileName)))
      .map((file) => path.relative(ROOT, file));
    expect(wrong).toEqual([]);
  });
});
