import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { apiHandler, errorResponse } from "@/web/api/handler";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("API error responses", () => {
  it("maps an AppError to its status with { error, message, ...details }", async () => {
    const response = errorResponse(new AppError("UNPROCESSABLE", "Bad model. Fix it.", { errors: ["one", "two"] }));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: "UNPROCESSABLE", message: "Bad model. Fix it.", errors: ["one", "two"] });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("adds Retry-After to 429s and WWW-Authenticate to 401s", () => {
    expect(errorResponse(new AppError("RATE_LIMITED", "Slow down.", { retryAfterSeconds: 12.2 })).headers.get("retry-after")).toBe("13");
    expect(errorResponse(new AppError("UNAUTHENTICATED", "Sign in.")).headers.get("www-authenticate")).toContain("Bearer");
  });

  it("answers 400 with the issues for a zod error", async () => {
    const parsed = z.object({ board: z.enum(["public", "private"]) }).safeParse({ board: "final" });
    const response = errorResponse(parsed.error);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toBe("BAD_REQUEST");
    expect(body.issues[0].path).toBe("board");
    expect(body.message).toContain("board:");
  });

  it("answers 500 with a generic message for anything else, and logs it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const handler = apiHandler<{ id: string }>(async (_request, { id }) => {
      throw new Error(`database password is hunter2 (${id})`);
    });
    const response = await handler(new Request("http://localhost/x"), { params: Promise.resolve({ id: "7" }) });
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body).toEqual({ error: "INTERNAL", message: expect.stringContaining("Try again") });
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(log).toHaveBeenCalled();
  });

  it("passes the route params to the handler", async () => {
    const handler = apiHandler<{ slug: string }>(async (_request, { slug }) => Response.json({ slug }));
    const response = await handler(new Request("http://localhost/x"), { params: Promise.resolve({ slug: "mnist" }) });
    expect(await response.json()).toEqual({ slug: "mnist" });
  });
});
