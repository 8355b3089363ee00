import type { MisclassifiedExample } from "@/lib/evaluation/schemas";

/** Where the API serves the n-th misclassified public-split image of a submission. */
export function misclassifiedImageUrl(submissionId: string, n: number): string {
  return `/api/v1/submissions/${encodeURIComponent(submissionId)}/misclassified/${n}.png`;
}

/** Public-split images the model got wrong, with what it predicted and the true label. */
export function MisclassifiedGallery({ submissionId, examples, classNames, limit = 48 }: { submissionId: string; examples: MisclassifiedExample[]; classNames: string[]; limit?: number }) {
  const shown = examples.slice(0, limit);
  const name = (i: number) => classNames[i] ?? String(i);
  return (
    <div className="space-y-2">
      <ul className="grid grid-cols-3 gap-3 sm:grid-cols-4 md:grid-cols-6 lg:grid-cols-8" data-testid="misclassified">
        {shown.map((example, n) => (
          <li key={`${example.index}-${n}`} className="rounded-md border border-slate-200 bg-white p-1.5 text-center text-xs">
            <img
              src={misclassifiedImageUrl(submissionId, n)}
              alt={`Test image ${example.index}: true ${name(example.actual)}, predicted ${name(example.predicted)}`}
              width={64}
              height={64}
              loading="lazy"
              className="mx-auto size-16 bg-slate-100 object-contain [image-rendering:pixelated]"
            />
            <p className="mt-1 truncate text-red-800" title={`predicted ${name(example.predicted)}`}>
              <span className="sr-only">predicted </span>✗ {name(example.predicted)}
              {Number.isFinite(example.confidence) ? <span className="text-slate-500"> {(example.confidence * 100).toFixed(0)} %</span> : null}
            </p>
            <p className="truncate text-green-800" title={`true ${name(example.actual)}`}>
              <span className="sr-only">true </span>✓ {name(example.actual)}
            </p>
          </li>
        ))}
      </ul>
      {examples.length > shown.length && <p className="text-sm text-slate-600">Showing {shown.length} of {examples.length} misclassified public images.</p>}
    </div>
  );
}
