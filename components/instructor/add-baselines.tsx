"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/form";
import type { ActionResult } from "@/web/action-result";

export interface BaselineChoice {
  id: string;
  label: string;
  description: string;
  params: number;
  existing: { id: string; status: string } | null;
}

/** One-click reference baselines: each queues a definition the worker trains when no student waits. */
export function AddBaselines({ slug, baselines, add }: { slug: string; baselines: BaselineChoice[]; add: (baselineId: string) => Promise<ActionResult<{ id: string }>> }) {
  const router = useRouter();
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string }>();
  async function click(choice: BaselineChoice) {
    setPending(choice.id);
    setMessage(undefined);
    const result = await add(choice.id);
    setPending(null);
    if (result.ok) {
      setMessage({ kind: "success", text: `The ${choice.label} baseline is queued. It trains when no student's submission waits, then appears on the leaderboard (shaded, unranked).` });
      router.refresh();
    } else setMessage({ kind: "error", text: result.error });
  }
  if (baselines.length === 0) return <p className="text-sm text-slate-600">The lecture&apos;s reference models are for 28x28 grayscale and 32x32 colour images; this competition&apos;s images are neither.</p>;
  return (
    <div className="space-y-3">
      <ul className="divide-y divide-slate-100 text-sm" data-testid="baselines">
        {baselines.map((choice) => (
          <li key={choice.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
            <div className="min-w-0">
              <p className="font-medium">{choice.label}</p>
              <p className="text-slate-600">
                {choice.description} · {choice.params.toLocaleString("en-US")} parameters
              </p>
            </div>
            {choice.existing ? (
              <Link href={`/c/${slug}/submissions/${choice.existing.id}`} className="text-indigo-700 underline">
                {choice.existing.status === "SCORED" ? "scored: see its report" : `${choice.existing.status.toLowerCase()}: see its progress`}
              </Link>
            ) : (
              <button type="button" disabled={pending !== null} onClick={() => click(choice)} className="rounded-md border border-indigo-300 bg-white px-3 py-1.5 font-medium text-indigo-800 hover:bg-indigo-50 disabled:opacity-60">
                {pending === choice.id ? "Adding…" : `Add ${choice.label} baseline`}
              </button>
            )}
          </li>
        ))}
      </ul>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
    </div>
  );
}
