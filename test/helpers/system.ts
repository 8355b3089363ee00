/**
 * Helpers for the system tests (test/system/**): a world of two courses with their own
 * instructors and students, the app's routes read from the file system, page requests as the
 * browser's router makes them (RSC payloads), the web server's memory, and small utilities.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { splitPublicPrivate } from "@/lib/datasets";
import { hashPassword } from "@/lib/accounts/password";
import type { PrismaClient } from "@/lib/db";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createApiToken } from "@/lib/tokens/tokens";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

// ---------------------------------------------------------------------------------------------
// Two courses
// ---------------------------------------------------------------------------------------------

export type PersonKey = "grace" | "ada" | "alan" | "olga" | "bob" | "carol" | "cora" | "tara" | "coby" | "tom" | "root";

export interface Person {
  key: PersonKey;
  id: string;
  email: string;
  name: string;
  token: string;
}

export interface CourseWorld {
  id: string;
  name: string;
  joinCode: string;
  slug: string;
  competitionId: string;
  title: string;
  descriptionMarker: string;
  instructor: PersonKey;
  /** A second instructor of the course (same rights as the first). */
  coInstructor: PersonKey;
  /** A teaching assistant: sees submissions and grades, changes nothing. */
  ta: PersonKey;
  students: [PersonKey, PersonKey];
}

/** The students' student numbers (institution ids, exported to the LMS): private to the student and the course's instructors. */
export const studentNumber = (key: PersonKey, tag: string) => `SN-${key}-${tag}`;

export interface SeededSubmission {
  id: string;
  owner: PersonKey;
  note: string;
  competitionSlug: string;
  publicScore: number;
  privateScore: number;
}

export interface SystemWorld {
  tag: string;
  people: Record<PersonKey, Person>;
  /** Course A is the demo course ("mnist"), course B a second one ("beta-mnist"). */
  courses: { A: CourseWorld; B: CourseWorld };
  /** One scored submission per student (with a report whose misclassified list holds public indices). */
  submissions: Record<"ada" | "alan" | "bob" | "carol", SeededSubmission>;
}

/**
 * The demo course A (instructor Grace, students Ada and Alan; competition "mnist") and a course B
 * (instructor Olga, students Bob and Carol; competition "beta-mnist"), each with its own
 * recognizable names, plus a scored submission with a unique note for every student and an API
 * token for everybody. Given the test set's labels, the reports' misclassified lists name
 * public-split examples of the competition's own split (so their images can be served).
 */
export async function seedSystemWorld(prisma: PrismaClient, options: { labels?: ArrayLike<number> } = {}): Promise<SystemWorld> {
  const tag = randomBytes(4).toString("hex");
  const { courseId } = await seedDemo(prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  // A join code of its own: the demo one (DEEP-LEARNING) is printed as an example on /signup.
  const courseA = await prisma.course.update({ where: { id: courseId }, data: { name: `Alpha course ${tag}`, joinCode: `ALPHA-${tag.toUpperCase()}` } });
  const mnist = await prisma.competition.update({
    where: { slug: "mnist" },
    data: { title: `Alpha digits ${tag}`, description: `Classify digits. alpha-desc-${tag}` },
  });
  const passwordHash = await hashPassword(DEFAULT_DEMO_PASSWORD);
  const courseB = await prisma.course.create({ data: { name: `Beta course ${tag}`, joinCode: `BETA-${tag.toUpperCase()}` } });
  const make = (email: string, name: string, role: "INSTRUCTOR" | "STUDENT" | "ADMIN") => prisma.user.create({ data: { email, name, role, passwordHash } });
  const olga = await make("olga@beta.test", "Olga Other", "INSTRUCTOR");
  const bob = await make("bob@beta.test", "Bob Beta", "STUDENT");
  const carol = await make("carol@beta.test", "Carol Beta", "STUDENT");
  await prisma.enrollment.createMany({
    data: [
      { userId: olga.id, courseId: courseB.id, role: "INSTRUCTOR" },
      { userId: bob.id, courseId: courseB.id, role: "STUDENT" },
      { userId: carol.id, courseId: courseB.id, role: "STUDENT" },
    ],
  });
  // Each course's co-instructor and TA, and a site administrator (in no course).
  const cora = await make("cora@holdout.test", "Cora Co-instructor", "INSTRUCTOR");
  const tara = await make("tara@holdout.test", "Tara Assistant", "STUDENT");
  const coby = await make("coby@beta.test", "Coby Co-instructor", "INSTRUCTOR");
  const tom = await make("tom@beta.test", "Tom Assistant", "STUDENT");
  const root = await make("root@holdout.test", "Root Admin", "ADMIN");
  await prisma.enrollment.createMany({
    data: [
      { userId: cora.id, courseId: courseA.id, role: "INSTRUCTOR" },
      { userId: tara.id, courseId: courseA.id, role: "TA" },
      { userId: coby.id, courseId: courseB.id, role: "INSTRUCTOR" },
      { userId: tom.id, courseId: courseB.id, role: "TA" },
    ],
  });
  const { id: _id, slug: _slug, createdAt: _c, updatedAt: _u, courseId: _course, createdById: _by, ...settings } = mnist;
  const beta = await prisma.competition.create({
    data: { ...settings, slug: "beta-mnist", title: `Beta digits ${tag}`, description: `Classify digits too. beta-desc-${tag}`, courseId: courseB.id, createdById: olga.id } as never,
  });

  const byEmail = (email: string) => prisma.user.findUniqueOrThrow({ where: { email } });
  const rows: Record<PersonKey, { id: string; email: string; name: string }> = {
    grace: await byEmail("instructor@holdout.test"),
    ada: await byEmail("ada@holdout.test"),
    alan: await byEmail("alan@holdout.test"),
    olga,
    bob,
    carol,
    cora,
    tara,
    coby,
    tom,
    root,
  };
  for (const key of ["ada", "alan", "bob", "carol"] as const) await prisma.user.update({ where: { id: rows[key].id }, data: { studentNumber: studentNumber(key, tag) } });
  const people = {} as Record<PersonKey, Person>;
  for (const [key, row] of Object.entries(rows) as Array<[PersonKey, { id: string; email: string; name: string }]>) {
    people[key] = { key, id: row.id, email: row.email, name: row.name, token: (await createApiToken(prisma, row.id, `${key} system test`)).token };
  }

  const labels = options.labels;
  const publicIndices = labels ? Array.from(splitPublicPrivate(labels, { seed: mnist.splitSeed, publicFraction: mnist.publicFraction }).publicIndices.slice(100, 120)) : [];
  const submissions = {} as SystemWorld["submissions"];
  const plan: Array<["ada" | "alan" | "bob" | "carol", string, number]> = [
    ["ada", mnist.id, 0],
    ["alan", mnist.id, 1],
    ["bob", beta.id, 2],
    ["carol", beta.id, 3],
  ];
  for (const [owner, competitionId, n] of plan) {
    const note = `${owner}-note-${tag}`;
    const publicScore = 0.9001 + n * 0.0111;
    const privateScore = 0.8702 + n * 0.0123;
    const misclassified = publicIndices.slice(n * 3, n * 3 + 3).map((index) => ({ index, predicted: ((labels?.[index] ?? 0) + 1) % 10, actual: labels?.[index] ?? 0, confidence: 0.9 }));
    const row = await prisma.submission.create({
      data: {
        competitionId,
        userId: people[owner].id,
        kind: "WEIGHTS",
        format: "TensorFlow.js layers model",
        status: "SCORED",
        note,
        createdAt: new Date(Date.now() - 3600_000),
        startedAt: new Date(Date.now() - 3500_000),
        finishedAt: new Date(Date.now() - 3400_000),
        score: { create: { publicScore, privateScore, publicLoss: 0.3, privateLoss: 0.35 } },
        report: {
          create: {
            backend: "wasm",
            metrics: { examples: 3000, accuracy: publicScore },
            privateMetrics: { examples: 7000, accuracy: privateScore },
            misclassified,
            splitInfo: { seed: mnist.splitSeed, publicFraction: mnist.publicFraction, classNames: [] },
          },
        },
      },
    });
    submissions[owner] = { id: row.id, owner, note, competitionSlug: competitionId === mnist.id ? "mnist" : "beta-mnist", publicScore, privateScore };
  }

  return {
    tag,
    people,
    courses: {
      A: { id: courseA.id, name: courseA.name, joinCode: courseA.joinCode, slug: "mnist", competitionId: mnist.id, title: mnist.title, descriptionMarker: `alpha-desc-${tag}`, instructor: "grace", coInstructor: "cora", ta: "tara", students: ["ada", "alan"] },
      B: { id: courseB.id, name: courseB.name, joinCode: courseB.joinCode, slug: "beta-mnist", competitionId: beta.id, title: beta.title, descriptionMarker: `beta-desc-${tag}`, instructor: "olga", coInstructor: "coby", ta: "tom", students: ["bob", "carol"] },
    },
    submissions,
  };
}

// ---------------------------------------------------------------------------------------------
// Routes, from the file system
// ---------------------------------------------------------------------------------------------

export interface AppRoute {
  kind: "page" | "api";
  /** e.g. "/c/[slug]/leaderboard" (route groups removed). */
  pattern: string;
  /** The folders below app/, route groups included: what the router state tree names. */
  segments: string[];
  /** HTTP methods the route file exports (pages: GET). */
  methods: string[];
  file: string;
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Every app/**\/page.tsx and app/**\/route.ts, so that new ones are covered as soon as they exist. */
export function discoverAppRoutes(appDir = path.join(REPO_ROOT, "app")): AppRoute[] {
  const routes: AppRoute[] = [];
  const visit = (dir: string, segments: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        // Private folders (_x) are not routes; parallel routes (@x) are slots, not URL segments.
        if (entry.name.startsWith("_")) continue;
        visit(path.join(dir, entry.name), [...segments, entry.name]);
        continue;
      }
      const isPage = /^page\.(tsx|ts|jsx|js|mdx)$/.test(entry.name);
      const isRoute = /^route\.(ts|js)$/.test(entry.name);
      if (!isPage && !isRoute) continue;
      const file = path.join(dir, entry.name);
      const urlSegments = segments.filter((segment) => !/^\(.*\)$/.test(segment) && !segment.startsWith("@"));
      const pattern = `/${urlSegments.join("/")}`;
      let methods = ["GET"];
      if (isRoute) {
        const source = readFileSync(file, "utf8");
        methods = METHODS.filter(
          (method) =>
            new RegExp(`export\\s+(const|let|var|async\\s+function|function)\\s+${method}\\b`).test(source) ||
            new RegExp(`export\\s*\\{[^}]*\\bas\\s+${method}\\b[^}]*\\}`).test(source) ||
            new RegExp(`export\\s*\\{[^}]*(^|[\\s,{])${method}\\s*[,}]`).test(source),
        );
      }
      routes.push({ kind: isPage ? "page" : "api", pattern, segments, methods, file: path.relative(REPO_ROOT, file) });
    }
  };
  visit(appDir, []);
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern) || a.kind.localeCompare(b.kind));
}

/** Fills [param] and [...param] segments of a pattern. */
export function fillPattern(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_, _rest, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for [${name}] in ${pattern}`);
    return value;
  });
}

// ---------------------------------------------------------------------------------------------
// Page requests as the client-side router makes them (React Server Component payloads)
// ---------------------------------------------------------------------------------------------

type RouterState = [unknown, Record<string, RouterState>, ...unknown[]];

/**
 * The `Next-Router-State-Tree` header the browser sends on a client-side navigation: the route's
 * segments (route groups included, dynamic ones as [name, value, "d", null]) with "refetch" on
 * the segment from which the server is asked to render. refetchAt 0 is an ordinary navigation
 * into the route; refetchAt = segments.length claims every layout is already on the client.
 */
export function routerStateTree(segments: string[], params: Record<string, string>, refetchAt: number): string {
  let node: RouterState = ["__PAGE__", {}, null, refetchAt >= segments.length ? "refetch" : null, 0];
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i];
    const dynamic = /^\[(\.\.\.)?([^\]]+)\]$/.exec(segment);
    const value = dynamic ? [dynamic[2], params[dynamic[2]], dynamic[1] ? "c" : "d", null] : segment;
    node = [value, { children: node }, null, i === refetchAt ? "refetch" : null, 8];
  }
  return encodeURIComponent(JSON.stringify(["", { children: node }, null, null, 24]));
}

export interface FetchedText {
  status: number;
  location: string | null;
  contentType: string;
  body: string;
}

/** A page's RSC payload, as the router fetches it (following Next's one `_rsc` cache-busting redirect). */
export async function fetchRsc(url: string, headers: Record<string, string>, tree: string): Promise<FetchedText> {
  const all = { ...headers, RSC: "1", "Next-Router-State-Tree": tree };
  const separator = url.includes("?") ? "&" : "?";
  let response = await fetch(`${url}${separator}_rsc=probe`, { headers: all, redirect: "manual" });
  const location = response.headers.get("location");
  if (response.status === 307 && location && /[?&]_rsc=[^&]+/.test(location)) {
    await response.arrayBuffer();
    response = await fetch(new URL(location, url), { headers: all, redirect: "manual" });
  }
  return { status: response.status, location: response.headers.get("location"), contentType: response.headers.get("content-type") ?? "", body: await response.text() };
}

export async function fetchText(url: string, init: RequestInit = {}): Promise<FetchedText> {
  const response = await fetch(url, { redirect: "manual", ...init });
  const contentType = response.headers.get("content-type") ?? "";
  const body = contentType.startsWith("image/") ? `[${(await response.arrayBuffer()).byteLength} bytes of ${contentType}]` : await response.text();
  return { status: response.status, location: response.headers.get("location"), contentType, body };
}

// ---------------------------------------------------------------------------------------------
// The web server's memory (shared with the load scripts)
// ---------------------------------------------------------------------------------------------

export { listeningPid, serverMemory, serverProcessTree, watchServerMemory, type MemorySample } from "@/scripts/load/proc";

// ---------------------------------------------------------------------------------------------
// Utilities
// ---------------------------------------------------------------------------------------------

/** Runs the tasks with at most `concurrency` in flight, in order of the array. */
export async function inPool<T>(concurrency: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, tasks.length) }, async () => {
      while (next < tasks.length) {
        const at = next++;
        results[at] = await tasks[at]();
      }
    }),
  );
  return results;
}

/** Polls until `probe` returns a value (not undefined), or throws after timeoutMs. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
