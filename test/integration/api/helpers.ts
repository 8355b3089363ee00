/**
 * Helpers for the API tests (test/e2e/api-*.test.ts, test/e2e/cli-*.test.ts): a world with two
 * courses, tokens, and small clients for the real server. No mocks: everything goes through
 * HTTP to `next start` and a real database.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { hashPassword } from "@/lib/accounts/password";
import type { PrismaClient } from "@/lib/db";
import { DEFAULT_DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { createApiToken } from "@/lib/tokens/tokens";
import { signIn } from "@/scripts/load/rush";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
export const FIXTURES = path.resolve(REPO_ROOT, "../shared/fixtures/models");

export function fixturePath(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

export function fixture(...parts: string[]): { name: string; data: Uint8Array } {
  return { name: parts[parts.length - 1], data: new Uint8Array(readFileSync(fixturePath(...parts))) };
}

/** A Keras `model.to_json()` of a small MLP, for the definition track. */
export const MLP_ARCHITECTURE = JSON.stringify({
  class_name: "Sequential",
  config: {
    name: "sequential",
    layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, 28, 28, 1], dtype: "float32", name: "input_1" } },
      { class_name: "Flatten", config: { name: "flatten" } },
      { class_name: "Dense", config: { name: "dense", units: 32, activation: "relu" } },
      { class_name: "Dense", config: { name: "dense_1", units: 10, activation: "softmax" } },
    ],
  },
  keras_version: "2.15.0",
  backend: "tensorflow",
});

export interface ApiWorld {
  courseId: string;
  otherCourseId: string;
  users: Record<"instructor" | "ada" | "alan" | "racer" | "otherInstructor", { id: string; email: string }>;
  tokens: Record<"instructor" | "ada" | "alan" | "racer" | "otherInstructor", string>;
}

/**
 * The demo course (instructor, Ada, Alan; competition "mnist"), a racer with a daily limit of 2
 * in "race-mnist", and a second course with its own instructor and competition "other-mnist".
 */
export async function seedApiWorld(prisma: PrismaClient): Promise<ApiWorld> {
  const { courseId } = await seedDemo(prisma, { password: DEFAULT_DEMO_PASSWORD, availableDatasets: ["mnist"] });
  const passwordHash = await hashPassword(DEFAULT_DEMO_PASSWORD);
  const mnist = await prisma.competition.findUniqueOrThrow({ where: { slug: "mnist" } });
  const { id: _id, slug: _slug, createdAt: _c, updatedAt: _u, ...settings } = mnist;
  const other = await prisma.course.create({ data: { name: "Other course", joinCode: "OTHER-COURSE" } });
  const otherInstructor = await prisma.user.create({ data: { email: "other@holdout.test", name: "Olga Other", role: "INSTRUCTOR", passwordHash } });
  await prisma.enrollment.create({ data: { userId: otherInstructor.id, courseId: other.id, role: "INSTRUCTOR" } });
  await prisma.competition.create({ data: { ...settings, slug: "other-mnist", title: "Other MNIST", courseId: other.id, createdById: otherInstructor.id } as never });
  await prisma.competition.create({ data: { ...settings, slug: "race-mnist", title: "Race MNIST", dailyLimit: 2 } as never });
  const racer = await prisma.user.create({ data: { email: "racer@holdout.test", name: "Rita Racer", passwordHash } });
  await prisma.enrollment.create({ data: { userId: racer.id, courseId, role: "STUDENT" } });

  const byEmail = async (email: string) => prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true } });
  const users = {
    instructor: await byEmail("instructor@holdout.test"),
    ada: await byEmail("ada@holdout.test"),
    alan: await byEmail("alan@holdout.test"),
    racer: { id: racer.id, email: racer.email },
    otherInstructor: { id: otherInstructor.id, email: otherInstructor.email },
  };
  const tokens = {} as ApiWorld["tokens"];
  for (const [key, user] of Object.entries(users)) tokens[key as keyof ApiWorld["tokens"]] = (await createApiToken(prisma, user.id, `${key} test`)).token;
  return { courseId, otherCourseId: other.id, users, tokens };
}

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export function client(baseUrl: string, token?: string, extraHeaders: Record<string, string> = {}) {
  const headers = { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extraHeaders };
  async function send(pathname: string, init: RequestInit = {}): Promise<JsonResponse> {
    const response = await fetch(`${baseUrl}${pathname}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, redirect: "manual" });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, headers: response.headers, body };
  }
  return {
    get: (pathname: string) => send(pathname),
    raw: (pathname: string) => fetch(`${baseUrl}${pathname}`, { headers }),
    post: (pathname: string, body: BodyInit, init: RequestInit = {}) => send(pathname, { ...init, method: "POST", body }),
    submit: (slug: string, fields: Record<string, string>, files: Array<{ name: string; data: Uint8Array }>) =>
      send(`/api/v1/competitions/${slug}/submissions`, { method: "POST", body: submissionForm(fields, files) }),
  };
}

export function submissionForm(fields: Record<string, string>, files: Array<{ name: string; data: Uint8Array }>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append("files", new Blob([file.data as Uint8Array<ArrayBuffer>]), file.name);
  return form;
}

/** Signs in through next-auth's credentials flow and returns the session cookie header. */
export function sessionCookie(baseUrl: string, email: string, password = DEFAULT_DEMO_PASSWORD): Promise<string> {
  return signIn(baseUrl, email, password);
}

/**
 * Streams an endless multipart upload (no Content-Length) until the server answers; returns the
 * status, the body and how many bytes were sent. A server that buffered the whole body first
 * would never answer.
 */
export function streamEndlessUpload(url: string, token: string, options: { giveUpAfterBytes: number }): Promise<{ status: number; body: any; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const boundary = "----endless-upload";
    const request = http.request(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Transfer-Encoding": "chunked" },
    });
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(256 * 1024, 7);
    request.on("response", (response) => {
      answered = true;
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (part: string) => (text += part));
      response.on("end", () => {
        request.destroy();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* keep text */
        }
        resolve({ status: response.statusCode ?? 0, body, sentBytes: sent });
      });
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nweights\r\n`);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="huge.h5"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const pump = () => {
      while (!answered && !request.destroyed) {
        if (sent >= options.giveUpAfterBytes) {
          request.destroy();
          reject(new Error(`no answer after sending ${sent} bytes: the server is not enforcing the limit while streaming`));
          return;
        }
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
