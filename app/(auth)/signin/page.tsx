import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeRedirectPath } from "@/lib/accounts/redirect";
import { mailConfigured } from "@/lib/mail/config";
import { currentUser } from "@/web/session";
import { enabledOAuthProviders } from "@/web/auth-options";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "That email and password do not match an account. Check both and try again.",
  OAuthNoAccount: "No Holdout account uses that email yet. Sign up with your course's join code first, then use this provider.",
  OAuthUnverifiedEmail: "The provider has not verified that email address, so Holdout cannot tell the account is yours. Verify it with the provider, or sign in with your email and password.",
  OAuthNoEmail: "The provider did not share an email address, so Holdout cannot find your account. Sign in with your email and password.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string }> }) {
  if (await currentUser().catch(() => null)) redirect("/courses");
  const { error, callbackUrl } = await searchParams;
  // Known codes only: echoing any ?error= text would let a link put words on the sign-in page.
  const message = error ? (ERRORS[error] ?? "Sign-in did not work. Try again, or sign in with your email and password.") : undefined;
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-6 text-2xl font-semibold">Sign in to Holdout</h1>
      <SignInForm initialError={message} callbackUrl={safeRedirectPath(callbackUrl, "/courses")} providers={enabledOAuthProviders()} />
      {/* Only when the site sends mail: otherwise the instructor resets passwords (roster page). */}
      {mailConfigured() && (
        <p className="mt-4 text-center text-sm">
          <Link href="/forgot-password" className="text-indigo-700 underline">
            Forgot password?
          </Link>
        </p>
      )}
    </div>
  );
}
