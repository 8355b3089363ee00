import type { Metadata } from "next";
import Link from "next/link";
import { currentUser } from "@/web/session";
import { SignOutButton } from "@/components/sign-out-button";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Holdout", template: "%s · Holdout" },
  description: "Competitions and grading for deep-learning courses",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser().catch(() => null);
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
            <Link href="/" className="text-lg font-semibold tracking-tight text-indigo-700">
              Holdout
            </Link>
            {user && (
              <>
                <Link href="/courses" className="text-sm text-slate-700 hover:text-indigo-700">
                  Courses
                </Link>
                {user.role === "INSTRUCTOR" && (
                  <Link href="/instructor" className="text-sm text-slate-700 hover:text-indigo-700">
                    Instructor
                  </Link>
                )}
                {user.role === "ADMIN" && (
                  <Link href="/admin" className="text-sm text-slate-700 hover:text-indigo-700">
                    Admin
                  </Link>
                )}
              </>
            )}
            <div className="ml-auto flex items-center gap-4 text-sm">
              {user ? (
                <>
                  <Link href="/account" className="text-slate-700 hover:text-indigo-700">
                    {user.name}
                    <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{user.role === "INSTRUCTOR" ? "instructor" : user.role === "ADMIN" ? "administrator" : "student"}</span>
                  </Link>
                  <SignOutButton />
                </>
              ) : (
                <>
                  <Link href="/signin" className="text-slate-700 hover:text-indigo-700">Sign in</Link>
                  <Link href="/signup" className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700">Sign up</Link>
                </>
              )}
            </div>
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-4 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
