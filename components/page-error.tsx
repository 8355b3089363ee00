"use client";

import Link from "next/link";
import { useEffect } from "react";
import { buttonClass, secondaryButtonClass } from "@/components/ui/form";

/** What error.tsx files render: the page could not load; try again or go back. */
export function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="mx-auto max-w-lg space-y-4 rounded-lg border border-red-200 bg-white p-6 text-center shadow-sm">
      <h2 className="text-xl font-semibold text-red-900">This page could not be loaded</h2>
      <p className="text-slate-700">
        Something went wrong on Holdout&apos;s side (the database may be briefly unavailable). Try again; if it keeps happening, tell your instructor
        {error.digest ? (
          <>
            {" "}
            and mention the code <code className="rounded bg-slate-100 px-1">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="flex justify-center gap-3">
        <button type="button" onClick={reset} className={buttonClass}>
          Try again
        </button>
        <Link href="/courses" className={secondaryButtonClass}>
          Your courses
        </Link>
      </div>
    </div>
  );
}
