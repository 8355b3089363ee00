"use client";

import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/form";
import { setMailPreferencesAction } from "./actions";

type Preferences = { emailOnScored: boolean; emailOnClosed: boolean };

const LABELS: Record<keyof Preferences, string> = {
  emailOnScored: "Mail me when a submission of mine is scored",
  emailOnClosed: "Mail me when a competition of my courses closes",
};

/** The user's own mail notices, saved as each box changes. */
export function MailPreferences({ initial, email }: { initial: Preferences; email: string }) {
  const [preferences, setPreferences] = useState(initial);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3 text-sm">
      <p className="text-slate-600">Notices go to {email}. Password reset links are always mailed.</p>
      {(Object.keys(LABELS) as Array<keyof Preferences>).map((key) => (
        <label key={key} className="flex items-center gap-2">
          <input
            type="checkbox"
            name={key}
            checked={preferences[key]}
            disabled={pending}
            onChange={(event) => {
              const next = { ...preferences, [key]: event.currentTarget.checked };
              startTransition(async () => {
                setError(undefined);
                setSaved(false);
                const result = await setMailPreferencesAction({ [key]: next[key] });
                if (!result.ok) return setError(result.error);
                setPreferences(result.data);
                setSaved(true);
              });
            }}
          />
          {LABELS[key]}
        </label>
      ))}
      {error && <Alert>{error}</Alert>}
      {saved && !pending && (
        <p role="status" className="text-green-800">
          Saved.
        </p>
      )}
    </div>
  );
}
