import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { authenticate } from "@/lib/accounts/accounts";
import { githubVerifiedEmail, profileEmailVerified, resolveOAuthSignIn } from "@/lib/accounts/oauth";
import { safeRedirectUrl } from "@/lib/accounts/redirect";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { clientAddressOf } from "./client-address";

function oauthProviders() {
  const { GITHUB_ID, GITHUB_SECRET, GOOGLE_ID, GOOGLE_SECRET } = env();
  return [
    ...(GITHUB_ID && GITHUB_SECRET
      ? [
          GitHubProvider({
            clientId: GITHUB_ID,
            clientSecret: GITHUB_SECRET,
            // next-auth's default takes the primary address without asking whether GitHub verified
            // it; Holdout links accounts by email, so it asks (lib/accounts/oauth.ts).
            userinfo: {
              url: "https://api.github.com/user",
              async request({ client, tokens }) {
                const profile = await client.userinfo(tokens.access_token!);
                const response = await fetch("https://api.github.com/user/emails", { headers: { Authorization: `token ${tokens.access_token}` } });
                const email = response.ok ? githubVerifiedEmail(await response.json()) : null;
                return { ...profile, email: email ?? undefined, email_verified: email !== null };
              },
            },
          }),
        ]
      : []),
    ...(GOOGLE_ID && GOOGLE_SECRET ? [GoogleProvider({ clientId: GOOGLE_ID, clientSecret: GOOGLE_SECRET })] : []),
  ];
}

export function enabledOAuthProviders(): Array<{ id: string; name: string }> {
  return oauthProviders().map((provider) => ({ id: provider.id, name: provider.name }));
}

/**
 * Sessions are signed JWTs holding the user id and the user's session version at sign-in; every
 * request re-reads the user (and so its role) from the database and refuses a token whose version
 * is not the user's current one (web/session.ts, web/api/auth.ts), so a role change, a deleted
 * account, a password change or an instructor's reset takes effect at once.
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
            // next-auth hands authorize the request's headers as a plain object.
            { email: credentials?.email ?? "", password: credentials?.password ?? "", clientAddress: clientAddressOf(request?.headers) },
            { perEmail: env().HOLDOUT_SIGNIN_LIMIT, perAddress: env().HOLDOUT_SIGNIN_ADDRESS_LIMIT },
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
    async signIn({ user, account, profile }) {
      if (!account || account.provider === "credentials") return true;
      const outcome = await resolveOAuthSignIn(db(), { provider: account.provider, providerAccountId: account.providerAccountId, email: user.email, emailVerified: profileEmailVerified(profile) });
      if ("error" in outcome) return `/signin?error=${outcome.error}`;
      user.id = outcome.userId;
      return true;
    },
    // Only same-origin paths, whatever callbackUrl a request carries.
    async redirect({ url, baseUrl }) {
      return safeRedirectUrl(url, baseUrl);
    },
    async jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        const row = await db().user.findUnique({ where: { id: user.id }, select: { sessionVersion: true } });
        token.sv = row?.sessionVersion ?? 0;
      }
      return token;
    },
    // What /api/auth/session (and useSession) returns: the account as it is now, and nothing at
    // all for a session that has ended (password changed or reset, account deleted), instead of
    // the name and email the old token still carries.
    async session({ session, token }) {
      if (!token.sub) return session;
      const version = typeof token.sv === "number" ? token.sv : 0;
      const row = await db().user.findUnique({ where: { id: token.sub }, select: { name: true, email: true, sessionVersion: true } });
      if (!row || row.sessionVersion !== version) return { expires: session.expires };
      session.user = { ...session.user, name: row.name, email: row.email, id: token.sub, sessionVersion: version } as typeof session.user;
      return session;
    },
  },
};
