"use client";

import { useState } from "react";
import { secondaryButtonClass } from "@/components/ui/form";

/** A code block with a copy button (the copy result is announced to screen readers). */
export function CopyBlock({ text, label, id }: { text: string; label: string; id: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
    setTimeout(() => setCopied(null), 3000);
  }
  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <span id={`${id}-label`} className="text-sm font-medium text-slate-800">
          {label}
        </span>
        <button type="button" onClick={copy} className={`${secondaryButtonClass} px-3 py-1`} aria-describedby={`${id}-label`}>
          Copy
        </button>
      </div>
      <pre id={id} aria-labelledby={`${id}-label`} tabIndex={0} className="max-h-96 overflow-auto rounded-md bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">
        <code>{text}</code>
      </pre>
      <p role="status" className="text-xs text-slate-600">
        {copied === "yes" ? "Copied to the clipboard." : copied === "no" ? "Could not copy: select the text and copy it yourself." : ""}
      </p>
    </div>
  );
}
