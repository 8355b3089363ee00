"use client";

import { useState, useTransition } from "react";
import { Alert, buttonClass, secondaryButtonClass } from "@/components/ui/form";
import type { ActionResult } from "@/web/action-result";

export interface ClaimLinkView {
  userId: string;
  email: string;
  name: string;
  studentNumber: string | null;
  kind: "set-password" | "accept";
  path: string;
  expiresAt: string;
}

type MakeLinks = (userIds?: string[], mail?: boolean) => Promise<ActionResult<ClaimLinkView[]>>;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function linksCsv(links: ClaimLinkView[], origin: string): string {
  const rows = links.map((link) => [link.email, link.name, link.studentNumber ?? "", `${origin}${link.path}`, link.expiresAt].map(csvField).join(","));
  return ["email,name,student_id,claim_link,expires_at", ...rows].join("\r\n") + "\r\n";
}

/**
 * Makes claim links for every student who still needs one (shown once: Holdout keeps only their
 * hashes) and offers them as a CSV for a mail merge, or, when the site sends mail (`mail`), has
 * Holdout mail each student their link. Making links again retires the older ones.
 */
export function ClaimLinks({ makeLinks, needed, mail = false }: { makeLinks: MakeLinks; needed: number; mail?: boolean }) {
  const [links, setLinks] = useState<ClaimLinkView[] | null>(null);
  const [mailed, setMailed] = useState<ClaimLinkView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function download(all: ClaimLinkView[]) {
    const blob = new Blob([linksCsv(all, window.location.origin)], { type: "text/csv" });
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = "claim-links.csv";
    anchor.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="space-y-3 text-sm">
      <p className="text-slate-600">
        Students on the class list set their password (or, with an existing account, join the course) with a one-time link from you. Links work once and for 14 days.{" "}
        {mail ? "Holdout can mail each student their link, or you hand them out yourself (the CSV suits a mail merge)." : "This site sends no mail, so hand them out yourself (the CSV suits a mail merge)."} Making
        links again replaces the older ones.
      </p>
      {mail && (
        <button
          type="button"
          className={`${buttonClass} mr-2`}
          disabled={pending || needed === 0}
          onClick={() =>
            startTransition(async () => {
              setError(null);
              const result = await makeLinks(undefined, true);
              if (!result.ok) return setError(result.error);
              setLinks(null);
              setMailed(result.data);
            })
          }
        >
          {pending ? "Sending…" : `Mail claim links (${needed})`}
        </button>
      )}
      <button
        type="button"
        className={buttonClass}
        disabled={pending || needed === 0}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await makeLinks();
            if (!result.ok) return setError(result.error);
            setMailed(null);
            setLinks(result.data);
            if (result.data.length) download(result.data);
          })
        }
      >
        {pending ? "Making links…" : `Make claim links (${needed}) and download CSV`}
      </button>
      {error && <Alert>{error}</Alert>}
      {mailed && (
        <div role="status" data-testid="claim-links-mailed">
          Claim links mailed to {mailed.length} student{mailed.length === 1 ? "" : "s"}
          {mailed.length > 0 && `: ${mailed.map((link) => link.email).join(", ")}`}.
        </div>
      )}
      {links && (
        <div role="status" data-testid="claim-links">
          <p className="mb-2">{links.length} new link{links.length === 1 ? "" : "s"}. Copy them now: they are not shown again.</p>
          {links.length > 0 && (
            <button type="button" className={secondaryButtonClass} onClick={() => download(links)}>
              Download CSV again
            </button>
          )}
          <ul className="mt-2 space-y-1 break-all font-mono text-xs">
            {links.map((link) => (
              <li key={link.userId}>
                {link.email}: {link.path}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** One student's new claim link, shown in place (or, with `mail`, also mailed to them on request). */
export function ClaimLinkButton({ name, makeLink, mail = false }: { name: string; makeLink: (mail?: boolean) => Promise<ActionResult<ClaimLinkView[]>>; mail?: boolean }) {
  const [link, setLink] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (link) {
    return (
      <input readOnly value={link} aria-label={`Claim link for ${name}`} onFocus={(e) => e.currentTarget.select()} className="w-64 rounded border border-slate-300 px-2 py-1 font-mono text-xs" data-testid="claim-link" />
    );
  }
  if (sentTo) {
    return (
      <span role="status" className="text-sm text-slate-700">
        Claim link sent to {sentTo}
      </span>
    );
  }
  return (
    <span className="inline-flex items-center gap-2">
      {mail && (
        <button
          type="button"
          disabled={pending}
          className="rounded px-2 py-1 text-sm text-indigo-700 hover:bg-indigo-50"
          onClick={() =>
            startTransition(async () => {
              const result = await makeLink(true);
              if (!result.ok || !result.data[0]) return setError(result.ok ? "No link was made." : result.error);
              setSentTo(result.data[0].email);
            })
          }
        >
          Mail claim link<span className="sr-only"> to {name}</span>
        </button>
      )}
      <button
        type="button"
        disabled={pending}
        className="rounded px-2 py-1 text-sm text-indigo-700 hover:bg-indigo-50"
        onClick={() =>
          startTransition(async () => {
            const result = await makeLink();
            if (!result.ok || !result.data[0]) return setError(result.ok ? "No link was made." : result.error);
            setLink(`${window.location.origin}${result.data[0].path}`);
          })
        }
      >
        {pending ? "Making…" : "Claim link"}
        <span className="sr-only"> for {name}</span>
      </button>
      {error && (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
