/** Small status labels. Colours are backed by text, never colour alone. */
const STATUS_STYLES: Record<string, { label: string; className: string }> = {
  QUEUED: { label: "Queued", className: "bg-slate-100 text-slate-800 ring-slate-300" },
  VALIDATING: { label: "Validating", className: "bg-sky-50 text-sky-900 ring-sky-300" },
  TRAINING: { label: "Training", className: "bg-violet-50 text-violet-900 ring-violet-300" },
  SCORING: { label: "Scoring", className: "bg-amber-50 text-amber-900 ring-amber-300" },
  SCORED: { label: "Scored", className: "bg-green-50 text-green-900 ring-green-300" },
  FAILED: { label: "Failed", className: "bg-red-50 text-red-900 ring-red-300" },
  CANCELLED: { label: "Cancelled", className: "bg-slate-100 text-slate-700 ring-slate-300" },
  DISQUALIFIED: { label: "Disqualified", className: "bg-red-100 text-red-900 ring-red-400" },
};

export function StatusBadge({ status, disqualified = false }: { status: string; disqualified?: boolean }) {
  const style = STATUS_STYLES[disqualified ? "DISQUALIFIED" : status] ?? { label: status.toLowerCase(), className: "bg-slate-100 text-slate-800 ring-slate-300" };
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.className}`}>{style.label}</span>;
}

const PHASE_STYLES = {
  upcoming: { label: "Opens soon", className: "bg-sky-50 text-sky-900 ring-sky-300" },
  open: { label: "Open", className: "bg-green-50 text-green-900 ring-green-300" },
  closed: { label: "Closed", className: "bg-slate-100 text-slate-800 ring-slate-300" },
} as const;

export function PhaseBadge({ phase }: { phase: "upcoming" | "open" | "closed" }) {
  const style = PHASE_STYLES[phase];
  return <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${style.className}`}>{style.label}</span>;
}

export function Pill({ children, tone = "slate" }: { children: React.ReactNode; tone?: "slate" | "indigo" | "amber" }) {
  const className = { slate: "bg-slate-100 text-slate-700", indigo: "bg-indigo-50 text-indigo-800", amber: "bg-amber-50 text-amber-900" }[tone];
  return <span className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ${className}`}>{children}</span>;
}
