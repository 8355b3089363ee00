import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { authenticateToken, createApiToken, hashToken, listApiTokens, MAX_TOKENS_PER_USER, revokeApiToken, TOKEN_PATTERN } from "@/lib/tokens/tokens";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";

let database: TestDatabase;
let ada: string;
let alan: string;

beforeAll(async () => {
  database = await createTestDatabase();
  ada = (await database.prisma.user.create({ data: { email: "ada@example.edu", name: "Ada" } })).id;
  alan = (await database.prisma.user.create({ data: { email: "alan@example.edu", name: "Alan" } })).id;
});

afterAll(async () => {
  await database?.drop();
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("API tokens", () => {
  it("creates a token shown once: hdt_ + 32 random bytes, only its sha256 and a prefix stored", async () => {
    const { token, apiToken } = await createApiToken(database.prisma, ada, "  notebook  ");
    expect(token).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(token.slice(4), "base64url")).toHaveLength(32);
    expect(apiToken).toMatchObject({ name: "notebook", prefix: token.slice(0, 10), lastUsedAt: null, revokedAt: null });
    const row = await database.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(10));
    const second = await createApiToken(database.prisma, ada, "laptop");
    expect(second.token).not.toBe(token);
  });

  it("authenticates a token to its user; unknown, malformed and revoked tokens get null", async () => {
    const { token, apiToken } = await createApiToken(database.prisma, alan, "cli");
    expect(await authenticateToken(database.prisma, token)).toEqual({ id: alan, email: "alan@example.edu", name: "Alan", role: "STUDENT", tokenId: apiToken.id });
    expect(await authenticateToken(database.prisma, `hdt_${"x".repeat(43)}`)).toBeNull();
    expect(await authenticateToken(database.prisma, "not-a-token")).toBeNull();
    expect(await authenticateToken(database.prisma, `${token}x`)).toBeNull();
    await revokeApiToken(database.prisma, alan, apiToken.id);
    expect(await authenticateToken(database.prisma, token)).toBeNull();
  });

  it("records lastUsedAt at most once a minute", async () => {
    const { token, apiToken } = await createApiToken(database.prisma, ada, "poller");
    const start = new Date("2030-01-01T10:00:00Z");
    const lastUsed = async () => (await database.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } })).lastUsedAt?.toISOString();
    await authenticateToken(database.prisma, token, start);
    expect(await lastUsed()).toBe(start.toISOString());
    await authenticateToken(database.prisma, token, new Date(start.getTime() + 30_000));
    expect(await lastUsed()).toBe(start.toISOString());
    const later = new Date(start.getTime() + 61_000);
    await authenticateToken(database.prisma, token, later);
    expect(await lastUsed()).toBe(later.toISOString());
  });

  it("revokes only the user's own tokens (someone else's is a 404), and revoking twice changes nothing", async () => {
    const { apiToken } = await createApiToken(database.prisma, ada, "to revoke");
    const notYours = await rejection(revokeApiToken(database.prisma, alan, apiToken.id));
    expect(notYours.code).toBe("NOT_FOUND");
    expect((await database.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } })).revokedAt).toBeNull();
    const revoked = await revokeApiToken(database.prisma, ada, apiToken.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    const again = await revokeApiToken(database.prisma, ada, apiToken.id);
    expect(again.revokedAt?.toISOString()).toBe(revoked.revokedAt?.toISOString());
  });

  it("lists a user's tokens newest first, without secrets", async () => {
    const tokens = await listApiTokens(database.prisma, ada);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(tokens.every((token) => !("tokenHash" in token))).toBe(true);
    const times = tokens.map((token) => token.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("refuses an empty name, an unknown user, and more than the maximum of active tokens", async () => {
    expect((await rejection(createApiToken(database.prisma, ada, "   "))).code).toBe("BAD_REQUEST");
    expect((await rejection(createApiToken(database.prisma, ada, "x".repeat(101)))).code).toBe("BAD_REQUEST");
    expect((await rejection(createApiToken(database.prisma, "no-such-user", "x"))).code).toBe("NOT_FOUND");
    const user = (await database.prisma.user.create({ data: { email: "many@example.edu", name: "Many" } })).id;
    for (let i = 0; i < MAX_TOKENS_PER_USER; i++) await createApiToken(database.prisma, user, `t${i}`);
    const tooMany = await rejection(createApiToken(database.prisma, user, "one more"));
    expect(tooMany.code).toBe("CONFLICT");
    expect(tooMany.message).toContain("Revoke");
  });
});
