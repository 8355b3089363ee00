"use client";

import { useState } from "react";
import { Alert, buttonClass, Field, inputClass, secondaryButtonClass } from "@/components/ui/form";
import type { TokenRow } from "@/lib/tokens/tokens";
import { createTokenAction, revokeTokenAction } from "./token-actions";

/** UTC, so the server's render and the browser's agree (no hydration mismatch across time zones). */
function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "never";
}

export function TokensPanel({ initialTokens }: { initialTokens: TokenRow[] }) {
  const [tokens, setTokens] = useState(initialTokens);
  const [created, setCreated] = useState<{ token: string; name: string }>();
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onCreate(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const name = String(new FormData(formElement).get("tokenName") ?? "");
    setPending(true);
    setError(undefined);
    setNotice(undefined);
    const outcome = await createTokenAction({ name });
    setPending(false);
    if (!outcome.ok) return setError(outcome.error);
    setTokens((list) => [outcome.data.row, ...list]);
    setCreated({ token: outcome.data.token, name: outcome.data.row.name });
    setCopied(false);
    formElement.reset();
  }

  async function onRevoke(id: string, name: string) {
    if (!window.confirm(`Revoke the token "${name}"? Programs using it stop working at once.`)) return;
    setError(undefined);
    setNotice(undefined);
    const outcome = await revokeTokenAction({ id });
    if (!outcome.ok) return setError(outcome.error);
    setTokens((list) => list.map((row) => (row.id === id ? outcome.data : row)));
    setNotice(outcome.message);
  }

  async function copy(token: string) {
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      setError("Your browser did not allow copying. Select the token and copy it by hand.");
    }
  }

  return (
    <div className="space-y-4">
      {error && <Alert kind="error">{error}</Alert>}
      {notice && <Alert kind="success">{notice}</Alert>}
      {created && (
        <Alert kind="info">
          <p className="mb-2 font-medium">Your new token &ldquo;{created.name}&rdquo;. Copy it now: it is shown only once, and Holdout keeps only a fingerprint of it.</p>
          <div className="flex items-center gap-2">
            <code data-testid="new-token" className="block flex-1 break-all rounded border border-sky-200 bg-white px-2 py-1 font-mono text-xs">
              {created.token}
            </code>
            <button type="button" onClick={() => copy(created.token)} className={secondaryButtonClass}>
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
          <p className="mt-2 text-xs">
            Use it as <code>Authorization: Bearer …</code>, or set <code>HOLDOUT_TOKEN</code> for <code>holdout submit</code> and notebooks.
          </p>
        </Alert>
      )}
      <form onSubmit={onCreate} className="flex items-end gap-2" noValidate>
        <div className="flex-1">
          <Field id="tokenName" label="New token name" hint="What it is for, e.g. “Colab notebook” or “lab laptop”.">
            <input id="tokenName" name="tokenName" required maxLength={100} className={inputClass} />
          </Field>
        </div>
        <button type="submit" disabled={pending} className={`${buttonClass} mb-5`}>
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      {tokens.length === 0 ? (
        <p className="text-sm text-slate-500">You have no API tokens yet.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Your API tokens</caption>
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-1 pr-2 font-medium">Name</th>
              <th className="py-1 pr-2 font-medium">Token</th>
              <th className="py-1 pr-2 font-medium">Created</th>
              <th className="py-1 pr-2 font-medium">Last used</th>
              <th className="py-1 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((row) => (
              <tr key={row.id} className={`border-t border-slate-100 ${row.revokedAt ? "text-slate-400" : ""}`}>
                <td className="py-2 pr-2">{row.name}</td>
                <td className="py-2 pr-2 font-mono text-xs">{row.prefix}…</td>
                <td className="py-2 pr-2">{when(row.createdAt)}</td>
                <td className="py-2 pr-2">{when(row.lastUsedAt)}</td>
                <td className="py-2 text-right">
                  {row.revokedAt ? (
                    <span className="text-xs">Revoked</span>
                  ) : (
                    <button type="button" onClick={() => onRevoke(row.id, row.name)} className="text-sm text-red-700 hover:underline" aria-label={`Revoke ${row.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
