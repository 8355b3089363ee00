import type { Metadata } from "next";
import { Alert, Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { mailConfigured } from "@/lib/mail/config";
import { requireUser } from "@/web/session";
import { ChangePasswordForm } from "./change-password-form";
import { MailPreferences } from "./mail-preferences";
import { TokensCard } from "./tokens-card";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  // The one page a user who must change their password can use.
  const user = await requireUser({ allowPasswordChange: true });
  if (user.mustChangePassword) {
    return (
      <div className="mx-auto max-w-xl space-y-6">
        <h1 className="text-2xl font-semibold">Choose your password</h1>
        <Alert kind="info">You signed in with a one-time password. Choose your own password now: the rest of Holdout opens once you have.</Alert>
        <Card>
          <ChangePasswordForm forced />
        </Card>
      </div>
    );
  }
  // Mail notices exist only where the site sends mail (SMTP_URL).
  const mail = mailConfigured() ? await db().user.findUnique({ where: { id: user.id }, select: { emailOnScored: true, emailOnClosed: true } }) : null;
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className="text-2xl font-semibold">Your account</h1>
      <Card>
        <dl className="grid grid-cols-3 gap-2 text-sm">
          <dt className="text-slate-500">Name</dt>
          <dd className="col-span-2">{user.name}</dd>
          <dt className="text-slate-500">Email</dt>
          <dd className="col-span-2">{user.email}</dd>
          <dt className="text-slate-500">Role</dt>
          <dd className="col-span-2">{user.role === "INSTRUCTOR" ? "Instructor" : user.role === "ADMIN" ? "Site administrator" : "Student"}</dd>
        </dl>
      </Card>
      <Card>
        <h2 className="mb-4 text-lg font-semibold">Change password</h2>
        <ChangePasswordForm />
      </Card>
      {mail && (
        <Card>
          <h2 className="mb-4 text-lg font-semibold">Mail notices</h2>
          <MailPreferences initial={mail} email={user.email} />
        </Card>
      )}
      <TokensCard userId={user.id} />
    </div>
  );
}
