/**
 * The authorization matrix: every page (app/**\/page.tsx) and every API route (app/**\/route.ts),
 * found on the file system, requested as each role against course A's data and against course
 * B's: anonymous, a student of the course (the owner of the submission in the URL), a classmate,
 * a student of the other course, the course's instructor, its co-instructor, its teaching
 * assistant, the other course's instructor, and a site administrator (in no course).
 *
 * - TABLE says what each role gets. A route that is not in the table (a new page or endpoint) fails
 *   the first test until someone decides who may see it.
 * - Never data: every response, allowed or denied, is searched for the secret markers of things
 *   the role may not see (course names, join codes, notes, submission ids, emails of the other
 *   course or of other students).
 * - Pages are also fetched as the browser's router fetches them on a client-side navigation (an
 *   RSC payload with a Next-Router-State-Tree header), since that request can render a page
 *   without re-running the layouts above it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEXT_DIST_DIR } from "@/cli/web-build";
import { addDrawnDigit, createDigitCollection, makeTestSetFromCollection } from "@/lib/competitions/digit-collections";
import { loadDataset } from "@/lib/datasets";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";
import { DIGIT_STROKES, strokeImage } from "@/test/helpers/drawing";
import { startTestServer, type TestServer } from "@/test/helpers/server";
import { discoverAppRoutes, fetchRsc, fetchText, fillPattern, inPool, REPO_ROOT, routerStateTree, seedSystemWorld, studentNumber, type AppRoute, type FetchedText, type PersonKey, type SystemWorld } from "@/test/helpers/system";
import { sessionCookie } from "@/test/integration/api/helpers";

const ROLES = ["anonymous", "student", "classmate", "outsiderStudent", "instructor", "coInstructor", "ta", "outsiderInstructor", "admin"] as const;
type Role = (typeof ROLES)[number];
/** An HTTP status, or a redirect to the sign-in page / the course list. */
type Outcome = number | "signin" | "courses";
type Row = Record<Role, Outcome>;

const everyone = (outcome: Outcome): Row => ({
  anonymous: outcome,
  student: outcome,
  classmate: outcome,
  outsiderStudent: outcome,
  instructor: outcome,
  coInstructor: outcome,
  ta: outcome,
  outsiderInstructor: outcome,
  admin: outcome,
});
const signedIn = (anonymous: Outcome, outcome: Outcome): Row => ({ ...everyone(outcome), anonymous });
/** Members of the course get `member`, the other course's people (and the administrator, in no course) `outsider`. */
const courseScoped = (anonymous: Outcome, member: Outcome, outsider: Outcome): Row => ({
  anonymous,
  student: member,
  classmate: member,
  outsiderStudent: outsider,
  instructor: member,
  coInstructor: member,
  ta: member,
  outsiderInstructor: outsider,
  admin: outsider,
});
/**
 * The permission model (lib/courses/permissions.ts) by course role: students of the course get
 * `denied`, people outside it `outsider`; "see" routes (submissions, grades) give `allowed` to
 * instructors, co-instructors and TAs, "manage" routes to instructors and co-instructors only.
 */
const see = (anonymous: Outcome, denied: Outcome, outsider: Outcome, allowed: Outcome): Row => ({ ...courseScoped(anonymous, denied, outsider), instructor: allowed, coInstructor: allowed, ta: allowed });
const manage = (anonymous: Outcome, denied: Outcome, outsider: Outcome, allowed: Outcome): Row => ({ ...courseScoped(anonymous, denied, outsider), instructor: allowed, coInstructor: allowed });
/** Instructor pages (/instructor/**): instructor accounts of the course; 403 for everyone else signed in. */
const instructorPage = (): Row => ({ ...signedIn("signin", 403), instructor: 200, coInstructor: 200 });

interface Case {
  expect: Row;
  /** Values for the route's dynamic segments, on top of the target's. */
  params?: Record<string, string>;
  body?: () => BodyInit;
  headers?: Record<string, string>;
  /** A query string; [name] placeholders are filled like the path's. */
  search?: string;
}

const notAModel = () => {
  const form = new FormData();
  form.append("files", new Blob(["this is not a model, just text"]), "model.h5");
  return form;
};

const notATestSet = () => {
  const form = new FormData();
  form.append("files", new Blob(["not images, not labels"]), "images-idx3-ubyte");
  return form;
};

/**
 * Expected outcome per route and role. Keys: "PAGE /pattern" or "METHOD /pattern". Dynamic
 * segments are filled with the target course's competition (slug), its student's submission (id),
 * the course (courseId) and the first misclassified image (image).
 */
const TABLE: Record<string, Case> = {
  "PAGE /": { expect: signedIn(200, "courses") },
  "PAGE /signin": { expect: signedIn(200, "courses") },
  "PAGE /signup": { expect: signedIn(200, "courses") },
  // A claim link's page: public (the one-time token is the proof); without a valid token it says so.
  "PAGE /claim": { expect: everyone(200) },
  // A password reset link's page: public too (the one-time token is the proof).
  "PAGE /reset-password": { expect: everyone(200) },
  // "Forgot password?" exists only when the site sends mail; this server has no SMTP_URL.
  "PAGE /forgot-password": { expect: everyone(404) },
  "PAGE /api/docs": { expect: everyone(200) },
  "PAGE /account": { expect: signedIn("signin", 200) },
  "PAGE /courses": { expect: signedIn("signin", 200) },
  "PAGE /c/[slug]": { expect: courseScoped("signin", 200, 404) },
  "PAGE /c/[slug]/leaderboard": { expect: courseScoped("signin", 200, 404) },
  // Public rank against private rank: students after the close (this competition is open: a 403), the course's staff also before.
  "PAGE /c/[slug]/shake-up": { expect: see("signin", 403, 404, 200) },
  "PAGE /c/[slug]/submit": { expect: courseScoped("signin", 200, 404) },
  // Comparing submissions: the report's rule for each one (the owner and the course's staff; a classmate a 404).
  "PAGE /c/[slug]/compare": { expect: { ...courseScoped("signin", 404, 404), student: 200, instructor: 200, coInstructor: 200, ta: 200 }, search: "?ids=[id]" },
  // Settings (and close now): instructors; all submissions and grades: also the TA.
  "PAGE /c/[slug]/manage": { expect: manage("signin", 403, 404, 200) },
  "PAGE /c/[slug]/manage/grades": { expect: see("signin", 403, 404, 200) },
  // Teams and extensions: the course's staff see them (only instructors grant extensions, in the page's actions).
  "PAGE /c/[slug]/manage/teams": { expect: see("signin", 403, 404, 200) },
  "PAGE /c/[slug]/manage/submissions": { expect: see("signin", 403, 404, 200) },
  // A submission: its owner and the course's staff (TAs included); anyone else a 404.
  "PAGE /c/[slug]/submissions/[id]": { expect: { ...courseScoped("signin", 404, 404), student: 200, instructor: 200, coInstructor: 200, ta: 200 } },
  "PAGE /instructor": { expect: { ...signedIn("signin", 403), instructor: 200, coInstructor: 200, outsiderInstructor: 200 } },
  "PAGE /instructor/courses/[courseId]": { expect: instructorPage() },
  "PAGE /instructor/courses/[courseId]/competitions/new": { expect: instructorPage() },
  "PAGE /instructor/courses/[courseId]/roster": { expect: instructorPage() },
  "PAGE /instructor/courses/[courseId]/digits": { expect: instructorPage() },
  "PAGE /instructor/courses/[courseId]/digits/[collectionId]": { expect: instructorPage() },
  // Drawing digits: members of the course (students see counts only, and draw only while allowed).
  "PAGE /courses/[courseId]/digits/[collectionId]": { expect: courseScoped("signin", 200, 404) },
  // Site administrators only.
  "PAGE /admin": { expect: { ...signedIn("signin", 403), admin: 200 } },

  "GET /api/auth/[...nextauth]": { expect: everyone(200), params: { nextauth: "session" } },
  // A sign-in attempt without next-auth's CSRF token is sent back to the sign-in page.
  "POST /api/auth/[...nextauth]": {
    expect: everyone(302),
    params: { nextauth: "callback/credentials" },
    body: () => new URLSearchParams({ email: "ada@holdout.test", password: "wrong password" }),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  },
  "GET /api/health": { expect: everyone(200) },
  "GET /api/v1/me": { expect: signedIn(401, 200) },
  "GET /api/v1/competitions": { expect: signedIn(401, 200) },
  "GET /api/v1/competitions/[slug]": { expect: courseScoped(401, 200, 404) },
  "GET /api/v1/competitions/[slug]/leaderboard": { expect: courseScoped(401, 200, 404) },
  "GET /api/v1/competitions/[slug]/submissions": { expect: courseScoped(401, 200, 404) },
  // Authorized callers get as far as the file check (422: nothing is stored).
  "POST /api/v1/competitions/[slug]/submissions": { expect: courseScoped(401, 422, 404), body: notAModel },
  // The free model check answers the course's people with its verdict (200, ok false: nothing is stored).
  "POST /api/v1/competitions/[slug]/check": { expect: courseScoped(401, 200, 404), body: notAModel },
  // Documented (docs/api.md): 403 for everyone but the course's instructors, other courses' people included.
  // The course's students: 403; people of another course: 404, as for a competition that does not exist.
  "GET /api/v1/competitions/[slug]/grades.csv": { expect: see(401, 403, 404, 200) },
  "GET /api/v1/competitions/[slug]/leaderboard.csv": { expect: see(401, 403, 404, 200) },
  // Teams. The target competitions are individual work (team size limit 1): forming, joining and
  // leaving are refused (403) to everyone in the course (staff never form teams), 404 outside it.
  "GET /api/v1/competitions/[slug]/team": { expect: courseScoped(401, 200, 404) },
  "POST /api/v1/competitions/[slug]/team": { expect: courseScoped(401, 403, 404), body: () => JSON.stringify({ name: "Intruders" }) },
  "DELETE /api/v1/competitions/[slug]/team": { expect: courseScoped(401, 403, 404) },
  "POST /api/v1/competitions/[slug]/team/join": { expect: courseScoped(401, 403, 404), body: () => JSON.stringify({ code: "T-AAAAAAAAAA" }) },
  "GET /api/v1/competitions/[slug]/teams": { expect: see(401, 403, 404, 200) },
  // Extensions: staff see them; instructors grant (an empty body: 400) and withdraw them (the id is not an extension: 404).
  "GET /api/v1/competitions/[slug]/extensions": { expect: see(401, 403, 404, 200) },
  "PUT /api/v1/competitions/[slug]/extensions": { expect: manage(401, 403, 404, 400), body: () => "{}" },
  "DELETE /api/v1/competitions/[slug]/extensions/[id]": { expect: manage(401, 403, 404, 404) },
  // Reference baselines: instructors of the course list and add them (an empty body: 400, nothing queued).
  "GET /api/v1/competitions/[slug]/baselines": { expect: manage(401, 403, 404, 200) },
  "POST /api/v1/competitions/[slug]/baselines": { expect: manage(401, 403, 404, 400), body: () => "{}" },
  // Starter files: every member of the course.
  "GET /api/v1/competitions/[slug]/starter/[file]": { expect: courseScoped(401, 200, 404), params: { file: "cnn.py" } },
  // A submission, its report and its images: the owner and the course's staff (TAs included).
  "GET /api/v1/submissions/[id]": { expect: { ...courseScoped(401, 404, 404), student: 200, instructor: 200, coInstructor: 200, ta: 200 } },
  "GET /api/v1/submissions/[id]/report": { expect: { ...courseScoped(401, 404, 404), student: 200, instructor: 200, coInstructor: 200, ta: 200 } },
  "GET /api/v1/submissions/[id]/misclassified/[image]": { expect: { ...courseScoped(401, 404, 404), student: 200, instructor: 200, coInstructor: 200, ta: 200 } },
  // Hidden test sets: instructors of the course only (they show hidden images with their classes).
  "GET /api/v1/competitions/[slug]/test-set": { expect: manage(401, 403, 404, 200) },
  // The target competitions have submissions: their test set is fixed (409, before the body is read).
  "PUT /api/v1/competitions/[slug]/test-set": { expect: manage(401, 403, 404, 409), body: notATestSet },
  // Authorized callers get as far as the parser (422: nothing is stored).
  "POST /api/v1/test-sets": { expect: manage(401, 403, 404, 422), body: notATestSet, search: "?course=[courseId]" },
  // Courses. Creating one: instructor accounts (an empty body gets them as far as validation, 400).
  "GET /api/v1/courses": { expect: signedIn(401, 200) },
  "POST /api/v1/courses": { expect: { ...signedIn(401, 403), instructor: 400, coInstructor: 400, outsiderInstructor: 400 }, body: () => "{}" },
  "GET /api/v1/courses/[courseId]": { expect: courseScoped(401, 200, 404) },
  // Authorized callers get as far as validation (an unknown field: 400, nothing changed).
  "PATCH /api/v1/courses/[courseId]": { expect: manage(401, 403, 404, 400), body: () => JSON.stringify({ owner: "me" }) },
  "POST /api/v1/courses/[courseId]/competitions": { expect: manage(401, 403, 404, 400), body: () => "{}" },
  "POST /api/v1/courses/[courseId]/roster": { expect: manage(401, 403, 404, 400), body: () => "" },
  "GET /api/v1/courses/[courseId]/staff": { expect: see(401, 403, 404, 200) },
  "POST /api/v1/courses/[courseId]/staff": { expect: manage(401, 403, 404, 400), body: () => "{}" },
  // Drawn digits. Listing: staff; creating, changing, making test sets: instructors (a body that fails validation: 400).
  "GET /api/v1/courses/[courseId]/digit-collections": { expect: see(401, 403, 404, 200) },
  "POST /api/v1/courses/[courseId]/digit-collections": { expect: manage(401, 403, 404, 400), body: () => "{}" },
  // One collection: every member (students get counts, not drawings).
  "GET /api/v1/digit-collections/[collectionId]": { expect: courseScoped(401, 200, 404) },
  "PATCH /api/v1/digit-collections/[collectionId]": { expect: manage(401, 403, 404, 400), body: () => JSON.stringify({ owner: "me" }) },
  // The target collections do not let students draw: students and TAs 403, instructors get as far as validation.
  "POST /api/v1/digit-collections/[collectionId]/digits": { expect: manage(401, 403, 404, 400), body: () => "{}" },
  "POST /api/v1/digit-collections/[collectionId]/test-set": { expect: manage(401, 403, 404, 400), body: () => JSON.stringify({ owner: "me" }) },
  // Instructors (students of their courses) and administrators (anyone): an empty body gets them as far as validation.
  "POST /api/v1/password-resets": { expect: signedIn(401, 400), body: () => "{}" },
  // Only the owner may withdraw a submission, and only while it is queued (the target is scored: 409).
  "POST /api/v1/submissions/[id]/cancel": { expect: { ...courseScoped(401, 404, 404), student: 409 } },
};

const API_ERROR: Record<number, string> = { 400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 422: "UNPROCESSABLE" };

/**
 * Pages allowed to leak: none. Kept as the place to record one while it is being fixed; every
 * page not listed is held to the no-data rule.
 */
const KNOWN_LEAKS = new Set<string>();

let database: TestDatabase;
let server: TestServer;
let world: SystemWorld;
const cookies = {} as Record<PersonKey, string>;
const routes = discoverAppRoutes();

interface Target {
  name: "A" | "B";
  params: Record<string, string>;
  people: Record<Exclude<Role, "anonymous">, PersonKey>;
}
let targets: Target[];
/** Per course: a digit collection (students may not draw), one drawing in it, and a test set made of it. */
let drawn: Record<Target["name"], { collectionId: string; digitId: string; testSetId: string }>;

async function seedDrawnDigits(courseId: string, instructorId: string) {
  const collection = await createDigitCollection(database.prisma, instructorId, courseId, { name: "Matrix digits" });
  const added = await addDrawnDigit(database.prisma, instructorId, collection.id, { label: 1, width: 280, height: 280, pixels: Buffer.from(strokeImage(DIGIT_STROKES[1], 10)).toString("base64") });
  const preview = await makeTestSetFromCollection(database.prisma, instructorId, collection.id);
  return { collectionId: collection.id, digitId: added.digit.id, testSetId: preview.testSet.id };
}

/** A small valid drawing (a bar on a 28x28 canvas) for the refused calls. */
const smallDrawing = () => {
  const pixels = new Uint8Array(784);
  for (let y = 4; y < 24; y++) pixels[y * 28 + 13] = pixels[y * 28 + 14] = 255;
  return { label: 1, width: 28, height: 28, pixels: Buffer.from(pixels).toString("base64") };
};

interface Marker {
  what: string;
  text: string;
  /** Who may see it. */
  visibleTo: PersonKey[];
}
let markers: Marker[];

beforeAll(async () => {
  database = await createTestDatabase();
  world = await seedSystemWorld(database.prisma, { labels: (await loadDataset("mnist", "test")).labels });
  server = await startTestServer({ databaseUrl: database.url, env: { HOLDOUT_API_RATE_LIMIT: "100000", HOLDOUT_SIGNIN_LIMIT: "1000" } });
  for (const person of Object.values(world.people)) cookies[person.key] = await sessionCookie(server.url, person.email);

  const { A, B } = world.courses;
  drawn = { A: await seedDrawnDigits(A.id, world.people[A.instructor].id), B: await seedDrawnDigits(B.id, world.people[B.instructor].id) };
  targets = [
    {
      name: "A",
      params: { slug: A.slug, id: world.submissions.ada.id, courseId: A.id, image: "0.png", collectionId: drawn.A.collectionId },
      people: { student: "ada", classmate: "alan", outsiderStudent: "bob", instructor: "grace", coInstructor: "cora", ta: "tara", outsiderInstructor: "olga", admin: "root" },
    },
    {
      name: "B",
      params: { slug: B.slug, id: world.submissions.bob.id, courseId: B.id, image: "0.png", collectionId: drawn.B.collectionId },
      people: { student: "bob", classmate: "carol", outsiderStudent: "ada", instructor: "olga", coInstructor: "coby", ta: "tom", outsiderInstructor: "grace", admin: "root" },
    },
  ];
  const p = world.people;
  markers = [];
  for (const course of [A, B]) {
    const staff: PersonKey[] = [course.instructor, course.coInstructor, course.ta];
    const members: PersonKey[] = [...staff, ...course.students];
    markers.push(
      { what: `course ${course.slug}'s name`, text: course.name, visibleTo: members },
      { what: `course ${course.slug}'s competition title`, text: course.title, visibleTo: members },
      { what: `course ${course.slug}'s competition description`, text: course.descriptionMarker, visibleTo: members },
      { what: `course ${course.slug}'s join code`, text: course.joinCode, visibleTo: staff },
      // The staff see each other; the site administrator sees instructor accounts (/admin).
      { what: `instructor ${course.instructor}'s email`, text: p[course.instructor].email, visibleTo: [...staff, "root"] },
      { what: `TA ${course.ta}'s email`, text: p[course.ta].email, visibleTo: staff },
    );
    for (const student of course.students) {
      const submission = world.submissions[student as keyof SystemWorld["submissions"]];
      markers.push(
        { what: `${student}'s email`, text: p[student].email, visibleTo: [student, ...staff] },
        { what: `${student}'s student number`, text: studentNumber(student, world.tag), visibleTo: [student, ...staff] },
        { what: `${student}'s submission note`, text: submission.note, visibleTo: [student, ...staff] },
        { what: `${student}'s submission id`, text: submission.id, visibleTo: [student, ...staff] },
      );
    }
  }
}, 400_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

function keyOf(route: AppRoute, method: string): string {
  return route.kind === "page" ? `PAGE ${route.pattern}` : `${method} ${route.pattern}`;
}

function personOf(target: Target, role: Role): PersonKey | null {
  return role === "anonymous" ? null : target.people[role];
}

/** Markers in the body that this person may not see (those in the requested URL itself excepted: the caller sent them). */
function leakedMarkers(body: string, viewer: PersonKey | null, url: string): string[] {
  const decodedUrl = decodeURIComponent(url);
  return markers.filter((marker) => (viewer === null || !marker.visibleTo.includes(viewer)) && !decodedUrl.includes(marker.text) && body.includes(marker.text)).map((marker) => marker.what);
}

function describeOutcome(response: FetchedText): string {
  if (response.status >= 300 && response.status < 400) return `${response.status} -> ${response.location}`;
  return String(response.status);
}

function matches(outcome: Outcome, response: FetchedText): boolean {
  if (outcome === "signin" || outcome === "courses") {
    if (![302, 303, 307, 308].includes(response.status) || !response.location) return false;
    return new URL(response.location, server.url).pathname === `/${outcome}`;
  }
  return response.status === outcome;
}

interface Probe {
  key: string;
  target: Target["name"];
  role: Role;
  mode: string;
  url: string;
  expected: Outcome;
  response: FetchedText;
  leaks: string[];
}

function routeUrl(route: AppRoute, target: Target, entry: Case): string {
  const params = { ...target.params, ...entry.params };
  return `${server.url}${fillPattern(route.pattern, params)}${entry.search ? fillPattern(entry.search, params) : ""}`;
}

async function probePages(mode: "plain" | "rsc-navigation" | "rsc-layouts-skipped", filter: (route: AppRoute) => boolean = () => true): Promise<Probe[]> {
  const tasks: Array<() => Promise<Probe>> = [];
  for (const target of targets) {
    for (const route of routes.filter((r) => r.kind === "page" && filter(r) && keyOf(r, "GET") in TABLE)) {
      const entry = TABLE[keyOf(route, "GET")];
      for (const role of ROLES) {
        tasks.push(async () => {
          const person = personOf(target, role);
          const url = routeUrl(route, target, entry);
          const headers: Record<string, string> = person ? { Cookie: cookies[person] } : {};
          const params = { ...target.params, ...entry.params };
          const response =
            mode === "plain"
              ? await fetchText(url, { headers })
              : await fetchRsc(url, headers, routerStateTree(route.segments, params, mode === "rsc-navigation" ? 0 : route.segments.length));
          return { key: keyOf(route, "GET"), target: target.name, role, mode, url, expected: entry.expect[role], response, leaks: leakedMarkers(response.body, person, url) };
        });
      }
    }
  }
  return inPool(3, tasks);
}

function report(probes: Probe[]): string {
  return probes.map((p) => `${p.mode} ${p.key} [course ${p.target}] as ${p.role}: expected ${p.expected}, got ${describeOutcome(p.response)}${p.leaks.length ? `; LEAKED ${p.leaks.join(", ")}` : ""}`).join("\n");
}

describe("authorization matrix", () => {
  it("the table covers every page and API route in app/, and nothing else", () => {
    const discovered = routes.flatMap((route) => route.methods.map((method) => keyOf(route, method))).sort();
    expect(discovered.length).toBeGreaterThan(20);
    const missing = discovered.filter((key) => !(key in TABLE));
    const stale = Object.keys(TABLE).filter((key) => !discovered.includes(key));
    expect(missing, `routes without an entry in TABLE (decide who may see them): ${missing.join(", ")}`).toEqual([]);
    expect(stale, `TABLE entries for routes that no longer exist: ${stale.join(", ")}`).toEqual([]);
  });

  it("pages answer every role as the table says (redirect to /signin, 403, 404), and never with data the role may not see", async () => {
    const probes = await probePages("plain");
    const wrong = probes.filter((p) => !matches(p.expected, p.response) || (p.leaks.length > 0 && !KNOWN_LEAKS.has(p.key.slice("PAGE ".length))));
    expect(wrong.length, report(wrong)).toBe(0);
    // A denied page says so, rather than rendering an empty shell.
    for (const p of probes.filter((p) => p.response.status === 403)) expect(p.response.body).toContain("403: not allowed");
    for (const p of probes.filter((p) => p.response.status === 404)) expect(p.response.body).toContain("404: not found");
    expect(probes.length).toBe(2 * ROLES.length * routes.filter((r) => r.kind === "page" && keyOf(r, "GET") in TABLE).length);
  });

  it("API routes answer every role as the table says, with a token and with the session cookie (401/403/404 as JSON), and never with data", async () => {
    const tasks: Array<() => Promise<Probe>> = [];
    for (const target of targets) {
      for (const route of routes.filter((r) => r.kind === "api")) {
        for (const method of route.methods) {
          const entry = TABLE[keyOf(route, method)];
          // (A route missing from TABLE fails the coverage test above.)
          if (!entry) continue;
          for (const role of ROLES) {
            const person = personOf(target, role);
            const modes = person ? (["token", "cookie"] as const) : (["none"] as const);
            for (const mode of modes) {
              tasks.push(async () => {
                const url = routeUrl(route, target, entry);
                const headers: Record<string, string> = { ...entry.headers };
                if (person && mode === "token") headers.Authorization = `Bearer ${world.people[person].token}`;
                if (person && mode === "cookie") headers.Cookie = cookies[person];
                const response = await fetchText(url, { method, headers, body: entry.body?.() });
                return { key: keyOf(route, method), target: target.name, role, mode, url, expected: entry.expect[role], response, leaks: leakedMarkers(response.body, person, url) };
              });
            }
          }
        }
      }
    }
    const probes = await inPool(3, tasks);
    const wrong = probes.filter((p) => !matches(p.expected, p.response) || p.leaks.length > 0);
    expect(wrong.length, report(wrong)).toBe(0);
    // Refusals from /api/v1 are the documented JSON errors, never a page or a stack trace.
    for (const p of probes.filter((p) => p.url.includes("/api/v1/") && p.response.status >= 400)) {
      const body = JSON.parse(p.response.body);
      expect(body.error, `${p.key} as ${p.role}`).toBe(API_ERROR[p.response.status]);
      expect(body.message.length).toBeGreaterThan(10);
      expect(p.response.body).not.toMatch(/at .*\.(ts|js):\d+/);
    }
    // Nothing was stored by the refused (422) uploads (the test sets made of the seeded drawings aside), nor by the refused drawings.
    expect(await database.prisma.submission.count()).toBe(4);
    expect(await database.prisma.testSet.count({ where: { id: { notIn: Object.values(drawn).map((d) => d.testSetId) } } })).toBe(0);
    expect(await database.prisma.drawnDigit.count()).toBe(2);
    expect(await database.prisma.digitCollection.count()).toBe(2);
  });

  it("client-side navigation payloads (RSC) of every page carry no data the role may not see", async () => {
    const probes = [
      ...(await probePages("rsc-navigation", (route) => !KNOWN_LEAKS.has(route.pattern))),
      ...(await probePages("rsc-layouts-skipped", (route) => !KNOWN_LEAKS.has(route.pattern))),
    ];
    const leaking = probes.filter((p) => p.leaks.length > 0 || p.response.status >= 500);
    expect(leaking.length, report(leaking)).toBe(0);
    // Denials show up in the payload as Next's redirect / 403 / 404 instructions.
    for (const p of probes.filter((p) => p.expected !== 200 && p.response.status === 200)) {
      const denial = p.expected === "signin" || p.expected === "courses" ? `NEXT_REDIRECT;replace;/${p.expected};` : `NEXT_HTTP_ERROR_FALLBACK;${p.expected}`;
      expect(p.response.body, `${p.mode} ${p.key} [course ${p.target}] as ${p.role}`).toContain(denial);
    }
  });

  // Found by this suite: these pages once relied on their layouts' checks alone, and Next renders a
  // page alongside its layouts (and, on client navigations that say the layouts are loaded,
  // without them), so the roster and join code went out in the redirect, the 403 page and the
  // RSC payload. Each page now checks for itself.
  it("the instructor course pages send no roster or join code to anyone else, not in the redirect, the 403 page or the RSC payload", async () => {
    const coursePages = (route: AppRoute) => route.pattern.startsWith("/instructor/courses/[courseId]");
    const probes = [...(await probePages("plain", coursePages)), ...(await probePages("rsc-navigation", coursePages)), ...(await probePages("rsc-layouts-skipped", coursePages))];
    expect(probes.length).toBeGreaterThanOrEqual(3 * 3 * 6);
    const leaking = probes.filter((p) => p.leaks.length > 0);
    expect(leaking.length, report(leaking)).toBe(0);
  });

  // Found by this suite: the page decoded ?error= a second time and a stray "%" made it a 500.
  it("the sign-in page answers a malformed ?error= with the page, not a server error", async () => {
    const response = await fetchText(`${server.url}/signin?error=${encodeURIComponent("%E0%A4")}`);
    expect(response.status).toBe(200);
  });

  // Course-scoped API routes answer people outside the course exactly as for a competition that
  // does not exist (404), so slugs of other courses do not leak (lib/competitions/access.ts);
  // this suite found the CSV exports answering 403 there.
  it("the CSV exports answer people of another course as for a competition that does not exist (404)", async () => {
    for (const file of ["grades.csv", "leaderboard.csv"]) {
      const missing = await fetchText(`${server.url}/api/v1/competitions/no-such-competition/${file}`, { headers: { Authorization: `Bearer ${world.people.bob.token}` } });
      const otherCourse = await fetchText(`${server.url}/api/v1/competitions/${world.courses.A.slug}/${file}`, { headers: { Authorization: `Bearer ${world.people.bob.token}` } });
      expect(missing.status).toBe(404);
      expect(otherCourse.status, file).toBe(missing.status);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Server actions: POST endpoints too, found in the build's server-reference manifest.
// ---------------------------------------------------------------------------------------------

interface ActionCase {
  /** Roles whose call must be refused (ok: false, UNAUTHENTICATED / FORBIDDEN / NOT_FOUND, or a 403/404), with nothing changed. */
  denied: Role[];
  args: (target: Target) => unknown[];
  /** A fingerprint of what the action would change; equal before and after the refused calls. */
  state: (target: Target) => Promise<unknown>;
}

/** Everyone but the course's instructors and co-instructors ("manage"): its TA is refused too. */
const STAFF_ONLY: Role[] = ["anonymous", "student", "classmate", "outsiderStudent", "ta", "outsiderInstructor", "admin"];

/**
 * Every server action, by its exported name. Allowed callers are not called here (they would
 * change the world this file checks); the point is that everyone else is refused. signUpAction is
 * public by design (a join code is the credential), and the self-service account actions act on
 * the caller only, so for them the anonymous call is the one that matters.
 */
const ACTIONS: Record<string, ActionCase | "public"> = {
  signUpAction: "public",
  changePasswordAction: {
    denied: ["anonymous"],
    args: () => [{ currentPassword: "holdout-demo", newPassword: "hijacked-password" }],
    state: () => database.prisma.user.findMany({ select: { id: true, passwordHash: true }, orderBy: { id: "asc" } }),
  },
  createTokenAction: { denied: ["anonymous"], args: () => [{ name: "sneaky" }], state: () => database.prisma.apiToken.count() },
  revokeTokenAction: {
    // Another person's token id: only its owner may revoke it.
    denied: ["anonymous", "classmate", "outsiderStudent", "instructor", "coInstructor", "ta", "outsiderInstructor", "admin"],
    args: (target) => [{ id: tokenIds[target.people.student] }],
    state: () => database.prisma.apiToken.findMany({ select: { id: true, revokedAt: true }, orderBy: { id: "asc" } }),
  },
  joinCourseAction: { denied: ["anonymous"], args: (target) => [world.courses[target.name].joinCode], state: () => database.prisma.enrollment.count() },
  selectFinalAction: {
    // Only the owner chooses their finals.
    denied: ["anonymous", "classmate", "outsiderStudent", "instructor", "coInstructor", "ta", "outsiderInstructor", "admin"],
    args: (target) => [target.params.slug, [target.params.id]],
    state: () => database.prisma.submission.findMany({ select: { id: true, selectedForFinal: true }, orderBy: { id: "asc" } }),
  },
  // Teams: only the course's students form, join and leave them.
  createTeamAction: {
    denied: ["anonymous", "outsiderStudent", "instructor", "coInstructor", "ta", "outsiderInstructor", "admin"],
    args: (target) => [target.params.slug, "Intruders"],
    state: () => database.prisma.team.count(),
  },
  joinTeamAction: {
    denied: ["anonymous", "outsiderStudent", "instructor", "coInstructor", "ta", "outsiderInstructor", "admin"],
    args: (target) => [target.params.slug, "T-AAAAAAAAAA"],
    state: () => database.prisma.teamMember.count(),
  },
  leaveTeamAction: {
    denied: ["anonymous", "outsiderStudent", "instructor", "coInstructor", "ta", "outsiderInstructor", "admin"],
    args: (target) => [target.params.slug],
    state: () => database.prisma.teamMember.count(),
  },
  setExtensionAction: {
    denied: STAFF_ONLY,
    args: (target) => [world.courses[target.name].competitionId, { email: world.people[target.people.student].email, closesAt: "2099-01-01T00:00:00Z", reason: "sneaky" }],
    state: () => database.prisma.extension.findMany({ select: { id: true, closesAt: true }, orderBy: { id: "asc" } }),
  },
  removeExtensionAction: {
    denied: STAFF_ONLY,
    args: (target) => [world.courses[target.name].competitionId, "no-such-extension"],
    state: () => database.prisma.extension.count(),
  },
  rescoreAction: { denied: STAFF_ONLY, args: (target) => [world.courses[target.name].competitionId], state: () => database.prisma.job.count() },
  disqualifyAction: {
    denied: STAFF_ONLY,
    args: (target) => [target.params.id, "copied from the internet"],
    state: () => database.prisma.submission.findMany({ select: { id: true, disqualifiedAt: true }, orderBy: { id: "asc" } }),
  },
  reinstateAction: {
    denied: STAFF_ONLY,
    args: (target) => [target.params.id],
    state: () => database.prisma.submission.findMany({ select: { id: true, disqualifiedAt: true, updatedAt: true }, orderBy: { id: "asc" } }),
  },
  updateCompetitionAction: {
    denied: STAFF_ONLY,
    args: (target) => [world.courses[target.name].competitionId, { title: "HACKED", dailyLimit: 1000 }, true],
    state: () => database.prisma.competition.findMany({ select: { id: true, title: true, dailyLimit: true, updatedAt: true }, orderBy: { id: "asc" } }),
  },
  removeStudentAction: {
    denied: STAFF_ONLY,
    args: (target) => [target.params.courseId, world.people[target.people.classmate].id],
    state: () => database.prisma.enrollment.findMany({ select: { id: true }, orderBy: { id: "asc" } }),
  },
  importRosterAction: {
    denied: STAFF_ONLY,
    args: (target) => [target.params.courseId, "email,name\nintruder@evil.test,Intruder"],
    state: async () => [await database.prisma.user.count(), await database.prisma.enrollment.count()],
  },
  createClaimLinksAction: { denied: STAFF_ONLY, args: (target) => [target.params.courseId], state: () => database.prisma.claimToken.count() },
  // Public (the one-time token is the credential): without a valid token everybody is refused.
  claimAccountAction: {
    denied: [...ROLES],
    args: () => [`hcl_${"A".repeat(43)}`, { name: "Mallory", password: "hijacked-password" }],
    state: () => database.prisma.user.findMany({ select: { id: true, passwordHash: true, name: true }, orderBy: { id: "asc" } }),
  },
  acceptClaimAction: { denied: [...ROLES], args: () => [`hcl_${"A".repeat(43)}`], state: () => database.prisma.enrollment.count() },
  // Public (the one-time token is the credential): without a valid token everybody is refused.
  completePasswordResetAction: {
    denied: [...ROLES],
    args: () => [`hpr_${"A".repeat(43)}`, "hijacked-password"],
    state: () => database.prisma.user.findMany({ select: { id: true, passwordHash: true, sessionVersion: true }, orderBy: { id: "asc" } }),
  },
  // Public, but only when the site sends mail: this server has none, so everybody is refused.
  requestPasswordResetAction: { denied: [...ROLES], args: (target) => [world.people[target.people.student].email], state: () => database.prisma.passwordResetToken.count() },
  // The student's instructors (not the TA, not another course's instructor) and site administrators.
  resetStudentPasswordAction: {
    denied: ["anonymous", "student", "classmate", "outsiderStudent", "ta", "outsiderInstructor"],
    args: (target) => [world.people[target.people.student].id],
    state: () => database.prisma.passwordResetToken.count(),
  },
  adminResetPasswordAction: {
    denied: ["anonymous", "student", "classmate", "outsiderStudent", "instructor", "coInstructor", "ta", "outsiderInstructor"],
    args: (target) => [{ email: world.people[target.people.student].email }],
    state: () => database.prisma.passwordResetToken.count(),
  },
  setMailPreferencesAction: {
    denied: ["anonymous"],
    args: () => [{ emailOnScored: false, emailOnClosed: false }],
    state: () => database.prisma.user.findMany({ select: { id: true, emailOnScored: true, emailOnClosed: true }, orderBy: { id: "asc" } }),
  },
  createCompetitionAction: {
    denied: STAFF_ONLY,
    args: (target) => [target.params.courseId, { slug: "intruder-comp", title: "Intruder", datasetId: "mnist" }, true],
    state: () => database.prisma.competition.count(),
  },
  addBaselineAction: {
    denied: STAFF_ONLY,
    args: (target) => [world.courses[target.name].competitionId, "mlp"],
    state: () => database.prisma.submission.findMany({ select: { id: true }, orderBy: { id: "asc" } }),
  },
  closeNowAction: {
    denied: STAFF_ONLY,
    args: (target) => [world.courses[target.name].competitionId],
    state: () => database.prisma.competition.findMany({ select: { id: true, closesAt: true }, orderBy: { id: "asc" } }),
  },
  updateCourseAction: {
    denied: STAFF_ONLY,
    args: (target) => [target.params.courseId, { regenerateJoinCode: true, joinEnabled: false, archived: true }],
    state: () => database.prisma.course.findMany({ select: { id: true, joinCode: true, joinEnabled: true, archivedAt: true }, orderBy: { id: "asc" } }),
  },
  addStaffAction: {
    denied: STAFF_ONLY,
    args: (target) => [target.params.courseId, { email: world.people[target.people.classmate].email, role: "TA" }],
    state: () => database.prisma.enrollment.findMany({ select: { id: true, role: true }, orderBy: { id: "asc" } }),
  },
  removeStaffAction: {
    denied: STAFF_ONLY,
    args: (target) => [target.params.courseId, world.people[target.people.ta].id],
    state: () => database.prisma.enrollment.findMany({ select: { id: true, role: true }, orderBy: { id: "asc" } }),
  },
  changeMemberRoleAction: {
    denied: STAFF_ONLY,
    args: (target) => [target.params.courseId, world.people[target.people.classmate].id, "TA"],
    state: () => database.prisma.enrollment.findMany({ select: { id: true, role: true }, orderBy: { id: "asc" } }),
  },
  deleteTestSetAction: { denied: STAFF_ONLY, args: (target) => [drawn[target.name].testSetId], state: () => database.prisma.testSet.findMany({ select: { id: true }, orderBy: { id: "asc" } }) },
  createDigitCollectionAction: { denied: STAFF_ONLY, args: (target) => [target.params.courseId, { name: "Intruder digits" }], state: () => database.prisma.digitCollection.count() },
  updateDigitCollectionAction: {
    denied: STAFF_ONLY,
    args: (target) => [drawn[target.name].collectionId, { studentsMayDraw: true }],
    state: () => database.prisma.digitCollection.findMany({ select: { id: true, studentsMayDraw: true, closedAt: true }, orderBy: { id: "asc" } }),
  },
  // The target collections do not let students draw: the course's TA and students are refused too.
  addDrawnDigitAction: { denied: STAFF_ONLY, args: (target) => [drawn[target.name].collectionId, smallDrawing()], state: () => database.prisma.drawnDigit.count() },
  deleteDrawnDigitAction: { denied: STAFF_ONLY, args: (target) => [drawn[target.name].digitId], state: () => database.prisma.drawnDigit.findMany({ select: { id: true }, orderBy: { id: "asc" } }) },
  makeDigitTestSetAction: { denied: STAFF_ONLY, args: (target) => [drawn[target.name].collectionId, "Intruder set"], state: () => database.prisma.testSet.count() },
  // Instructor accounts may create courses; students, TAs (student accounts) and the administrator may not.
  createCourseAction: {
    denied: ["anonymous", "student", "classmate", "outsiderStudent", "ta", "admin"],
    args: () => [{ name: "Intruder course" }],
    state: () => database.prisma.course.count(),
  },
  // Site administrators only.
  createInstructorAction: {
    denied: ["anonymous", "student", "classmate", "outsiderStudent", "instructor", "coInstructor", "ta", "outsiderInstructor"],
    args: () => [{ email: "intruder@evil.test", name: "Intruder" }],
    state: () => database.prisma.user.findMany({ select: { id: true, role: true, passwordHash: true }, orderBy: { id: "asc" } }),
  },
};

const tokenIds = {} as Record<PersonKey, string>;

interface ManifestAction {
  id: string;
  name: string;
  /** A page whose module carries the action, as a route pattern. */
  pattern: string;
}

function serverActions(): ManifestAction[] {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, NEXT_DIST_DIR, "server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const worker = Object.keys(entry.workers).find((name) => name.endsWith("/page")) ?? Object.keys(entry.workers)[0];
    const segments = worker.replace(/^app\//, "").replace(/\/?page$/, "").split("/").filter((segment) => segment && !/^\(.*\)$/.test(segment));
    return { id, name: entry.exportedName ?? id, pattern: `/${segments.join("/")}` };
  });
}

/** The `{ ok, ... }` results in a server action's RSC answer (lines like `1:{"ok":false,...}`). */
function actionResults(body: string): Array<Record<string, unknown>> {
  const results: Array<Record<string, unknown>> = [];
  for (const match of body.matchAll(/^[0-9a-f]+:(\{.*\})$/gm)) {
    try {
      const value = JSON.parse(match[1]);
      if (value && typeof value === "object" && "ok" in value) results.push(value);
    } catch {
      /* another kind of row */
    }
  }
  return results;
}

async function callAction(action: ManifestAction, target: Target, role: Role, args: unknown[]): Promise<FetchedText> {
  const person = personOf(target, role);
  const url = `${server.url}${fillPattern(action.pattern, target.params)}`;
  return fetchText(url, {
    method: "POST",
    headers: { "Next-Action": action.id, Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8", Origin: server.url, ...(person ? { Cookie: cookies[person] } : {}) },
    body: JSON.stringify(args),
  });
}

describe("server actions", () => {
  beforeAll(async () => {
    for (const person of Object.values(world.people)) {
      tokenIds[person.key] = (await database.prisma.apiToken.findFirstOrThrow({ where: { userId: person.id }, select: { id: true } })).id;
    }
  });

  it("every server action in the build is in ACTIONS, and nothing else", () => {
    const names = [...new Set(serverActions().map((action) => action.name))].sort();
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !(name in ACTIONS)), "server actions without an entry in ACTIONS").toEqual([]);
    expect(Object.keys(ACTIONS).filter((name) => !names.includes(name)), "ACTIONS entries for actions that no longer exist").toEqual([]);
  });

  it("calls the actions the way the site does (a control: a signed-in user's own createTokenAction works)", async () => {
    const action = serverActions().find((candidate) => candidate.name === "createTokenAction")!;
    const before = await database.prisma.apiToken.count({ where: { userId: world.people.alan.id } });
    const response = await callAction(action, targets[0], "classmate", [{ name: "made by a server action" }]);
    expect(actionResults(response.body), response.body).toEqual([expect.objectContaining({ ok: true })]);
    expect(await database.prisma.apiToken.count({ where: { userId: world.people.alan.id } })).toBe(before + 1);
  });

  it("refuses every server action to the roles that may not use it, and changes nothing", async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const action of serverActions()) {
      const entry = ACTIONS[action.name];
      if (!entry || entry === "public") continue;
      for (const target of targets) {
        const before = JSON.stringify(await entry.state(target));
        for (const role of entry.denied) {
          const response = await callAction(action, target, role, entry.args(target));
          calls++;
          // (A bare 404 would also be "no such action": only the action's own answer counts.)
          const refused =
            actionResults(response.body).some((result) => result.ok === false && ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"].includes(String(result.code))) ||
            /NEXT_HTTP_ERROR_FALLBACK;40[34]|NEXT_REDIRECT;[a-z]+;\/signin/.test(response.body);
          const leaks = leakedMarkers(response.body, personOf(target, role), `${action.pattern} ${JSON.stringify(entry.args(target))}`);
          if (!refused || leaks.length) wrong.push(`${action.name} [course ${target.name}] as ${role}: ${response.status} ${response.body.slice(0, 300)}${leaks.length ? ` LEAKED ${leaks.join(", ")}` : ""}`);
        }
        const after = JSON.stringify(await entry.state(target));
        if (after !== before) wrong.push(`${action.name} [course ${target.name}]: a refused call changed the database`);
      }
    }
    expect(wrong.join("\n")).toBe("");
    expect(calls).toBeGreaterThan(50);
  });
});
