import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/form";
import { inspectPasswordReset, RESET_REFUSALS } from "@/lib/accounts/password-reset";
import { db } from "@/lib/db";
import { ResetPasswordForm } from "./reset-password-form";

// The link's token is in this page's address: send no Referer anywhere.
export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

/** A one-time password reset link (lib/accounts/password-reset.ts): public, the token is the proof. */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token: raw } = await searchParams;
  const token = typeof raw === "string" ? raw : "";
  const state = await inspectPasswordReset(db(), token);
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">Choose a new password</h1>
      {state.status !== "ok" ? (
        <>
          <Alert>{RESET_REFUSALS[state.status]}</Alert>
          <p className="text-sm">
            <Link href="/signin" className="text-indigo-700 underline">
              Sign in
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            For <strong>{state.email}</strong>. Setting it signs out every session of this account.
          </p>
          <ResetPasswordForm token={token} email={state.email} />
        </>
      )}
    </div>
  );
}
