import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { authenticate } from "@/lib/accounts/accounts";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";

function clientAddress(headers: Record<string, unknown> | undefined): string | undefined {
  const forwarded = headers?.["x-forwarded-for"];
  const value = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  return typeof value === "string" ? value.split(",")[0].trim() : undefined;
}

function oauthProviders() {
  const { GITHUB_ID, GITHUB_SECRET, GOOGLE_ID, GOOGLE_SECRET } = env();
  return [
    ...(GITHUB_ID && GITHUB_SECRET ? [GitHubProvider({ clientId: GITHUB_ID, clientSecret: GITHUB_SECRET })] : []),
    ...(GOOGLE_ID && GOOGLE_SECRET ? [GoogleProvider({ clientId: GOOGLE_ID, clientSecret: GOOGLE_SECRET })] : []),
  ];
}

export function enabledOAuthProviders(): Array<{ id: string; name: string }> {
  return oauthProviders().map((provider) => ({ id: provider.id, name: provider.name }));
}

/**
 * Sessions are signed JWTs holding only the user id; every request re-reads the user (and so its
 * role) from the database, so a role change or a deleted account takes effect at once.
 */
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        try {
          const user = await authenticate(
            db(),
            { email: credentials?.email ?? "", password: credentials?.password ?? "", clientAddress: clientAddress(request?.headers) },
            env().HOLDOUT_SIGNIN_LIMIT,
          );
          return user ? { id: user.id, email: user.email, name: user.name } : null;
        } catch (error) {
          // next-auth shows a thrown error's message on the sign-in page (rate limiting).
          if (isAppError(error)) throw new Error(error.message);
          throw error;
        }
      },
    }),
    ...oauthProviders(),
  ],
  callbacks: {
    // GitHub or Google sign-in links to an account that already exists (made with a join code),
    // so that nobody gets into a course without one.
    async signIn({ user, account }) {
      if (!account || account.provider === "credentials") return true;
      const email = user.email?.toLowerCase();
      if (!email) return "/signin?error=OAuthNoEmail";
      const existing = await db().user.findUnique({ where: { email } });
      if (!existing) return "/signin?error=OAuthNoAccount";
      await db().oAuthAccount.upsert({
        where: { provider_providerAccountId: { provider: account.provider, providerAccountId: account.providerAccountId } },
        create: { provider: account.provider, providerAccountId: account.providerAccountId, userId: existing.id },
        update: {},
      });
      user.id = existing.id;
      return true;
    },
    async jwt({ token, user }) {
      if (user) token.sub = user.id;
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
      return session;
    },
  },
};
