import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { githubVerifiedEmail, profileEmailVerified, resolveOAuthSignIn } from "@/lib/accounts/oauth";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/db";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe("GitHub and Google sign-in links only to accounts whose email the provider verified", () => {
  it("refuses unverified or missing emails and unknown accounts; links a verified one; a linked identity keeps its account", async () => {
    const prisma = database.prisma;
    const prof = await prisma.user.create({ data: { email: "prof@example.edu", name: "Prof", role: "INSTRUCTOR", passwordHash: "x" } });
    const google = (providerAccountId: string, email: string | null, emailVerified: boolean) => resolveOAuthSignIn(prisma, { provider: "google", providerAccountId, email, emailVerified });

    // Someone who made a Google account with the instructor's address but never proved they own it.
    expect(await google("g-attacker", "PROF@example.edu", false)).toEqual({ error: "OAuthUnverifiedEmail" });
    expect(await google("g-none", null, true)).toEqual({ error: "OAuthNoEmail" });
    expect(await google("g-stranger", "nobody@example.edu", true)).toEqual({ error: "OAuthNoAccount" });
    expect(await prisma.oAuthAccount.count()).toBe(0);

    expect(await google("g-prof", "Prof@Example.edu", true)).toEqual({ userId: prof.id });
    expect(await prisma.oAuthAccount.findMany({ select: { provider: true, providerAccountId: true, userId: true } })).toEqual([{ provider: "google", providerAccountId: "g-prof", userId: prof.id }]);
    // The link decides from now on, even after the address changes on either side.
    await prisma.user.update({ where: { id: prof.id }, data: { email: "prof@new.example.edu" } });
    expect(await google("g-prof", "old@example.edu", false)).toEqual({ userId: prof.id });
  });

  it("reads the verified flags the providers give", () => {
    expect(githubVerifiedEmail([{ email: "a@x", primary: true, verified: false }, { email: "b@x", primary: false, verified: true }])).toBe("b@x");
    expect(githubVerifiedEmail([{ email: "a@x", primary: true, verified: true }, { email: "b@x", verified: true }])).toBe("a@x");
    expect(githubVerifiedEmail([{ email: "a@x", primary: true, verified: false }])).toBeNull();
    expect(githubVerifiedEmail({ message: "Bad credentials" })).toBeNull();
    expect(profileEmailVerified({ email_verified: true })).toBe(true);
    expect(profileEmailVerified({ email_verified: "true" })).toBe(true);
    expect(profileEmailVerified({ email_verified: false })).toBe(false);
    expect(profileEmailVerified({})).toBe(false);
    expect(profileEmailVerified(undefined)).toBe(false);
  });
});
