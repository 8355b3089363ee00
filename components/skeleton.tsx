/** Loading placeholder for pages (used by loading.tsx files); announced once to screen readers. */
export function PageSkeleton({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div role="status" aria-live="polite" className="space-y-4">
      <span className="sr-only">{label}…</span>
      <div aria-hidden="true" className="animate-pulse space-y-4">
        <div className="h-7 w-1/3 rounded bg-slate-200" />
        {Array.from({ length: rows }, (_, index) => (
          <div key={index} className="space-y-2 rounded-lg border border-slate-200 bg-white p-6">
            <div className="h-4 w-1/4 rounded bg-slate-200" />
            <div className="h-3 w-full rounded bg-slate-100" />
            <div className="h-3 w-5/6 rounded bg-slate-100" />
            <div className="h-3 w-2/3 rounded bg-slate-100" />
          </div>
        ))}
      </div>
    </div>
  );
}
