import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/web/session";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ code?: string }> }) {
  if (await currentUser().catch(() => null)) redirect("/courses");
  const { code } = await searchParams;
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-2 text-2xl font-semibold">Create your account</h1>
      <p className="mb-6 text-sm text-slate-600">
        Your instructor gives you a join code for the course. Got a personal claim link instead? Open it: it sets up the account your instructor made for you.
      </p>
      <SignUpForm initialJoinCode={code ?? ""} />
    </div>
  );
}
