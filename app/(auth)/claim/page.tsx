import type { Metadata } from "next";
import Link from "next/link";
import { Alert, Card } from "@/components/ui/form";
import { claimPath, inspectClaim } from "@/lib/accounts/claim";
import { db } from "@/lib/db";
import { currentUser } from "@/web/session";
import { AcceptClaimButton, ClaimForm } from "./claim-form";

// The link's token is in this page's address: send no Referer anywhere.
export const metadata: Metadata = { title: "Claim your account", referrer: "no-referrer" };

const REFUSED = {
  invalid: "This claim link is not valid. Copy the whole link your instructor gave you, or ask them for a new one.",
  expired: "This claim link has expired. Ask your instructor for a new one.",
  used: "This claim link has been used already. Sign in with your email and password, or ask your instructor for a new link.",
} as const;

/** The one-time link an instructor hands to a student on the class list (lib/accounts/claim.ts). */
export default async function ClaimPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token: raw } = await searchParams;
  const token = typeof raw === "string" ? raw : "";
  const state = await inspectClaim(db(), token);
  const user = await currentUser().catch(() => null);
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">Claim your account</h1>
      {state.status !== "ok" ? (
        <Alert>{REFUSED[state.status]}</Alert>
      ) : state.kind === "set-password" ? (
        <>
          <p className="text-sm text-slate-600">
            Your instructor added <strong>{state.email}</strong> to {state.courseName}. Choose a password to sign in with from now on.
          </p>
          {user && user.id !== state.userId && <Alert kind="info">You are signed in as {user.email}; this link sets up a different account, {state.email}.</Alert>}
          <ClaimForm token={token} email={state.email} name={state.name} />
        </>
      ) : !user ? (
        <Card>
          <p className="text-sm">
            {state.courseName} has {state.email} on its class list, and that account already has a password. Sign in as {state.email}, and this page lets you join the course.
          </p>
          <p className="mt-3">
            <Link href={`/signin?callbackUrl=${encodeURIComponent(claimPath(token))}`} className="text-indigo-700 underline">
              Sign in
            </Link>
          </p>
        </Card>
      ) : user.id !== state.userId ? (
        <Alert>This claim link is for {state.email}, but you are signed in as {user.email}. Sign out, sign in as {state.email}, then open the link again.</Alert>
      ) : (
        <Card>
          <p className="mb-3 text-sm">Join {state.courseName} as {state.email}, the account on its class list.</p>
          <AcceptClaimButton token={token} courseName={state.courseName} />
        </Card>
      )}
    </div>
  );
}
