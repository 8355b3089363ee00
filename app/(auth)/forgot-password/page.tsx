import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { mailConfigured } from "@/lib/mail/config";
import { currentUser } from "@/web/session";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

/** Asks for a reset link by mail. Exists only when the site sends mail (SMTP_URL). */
export default async function ForgotPasswordPage() {
  if (!mailConfigured()) notFound();
  if (await currentUser().catch(() => null)) redirect("/courses");
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">Forgot your password?</h1>
      <p className="text-sm text-slate-600">Enter the email address of your account. If it has one, a link to choose a new password is mailed to it (valid for 1 hour).</p>
      <ForgotPasswordForm />
    </div>
  );
}
