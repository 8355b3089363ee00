/** A score's 95% interval, and the "tied" mark of an entry whose difference from the one above is not significant (lib/leaderboard/uncertainty.ts). */
export function ScoreInterval({ interval }: { interval: { low: number; high: number } | null | undefined }) {
  if (!interval) return null;
  return (
    <span className="block text-xs font-normal text-slate-500" title="95% interval (exact binomial) on this split's number of images">
      <span className="sr-only">95% interval </span>
      {`${(interval.low * 100).toFixed(1)}–${(interval.high * 100).toFixed(1)} %`}
    </span>
  );
}

export function TiedMark({ tied }: { tied: boolean | null | undefined }) {
  if (!tied) return null;
  return (
    <span className="ml-1 rounded bg-slate-200 px-1 text-xs font-normal text-slate-700" title="Not significantly different from the entry above (exact McNemar test, p ≥ 0.05)" data-testid="tied">
      tied
    </span>
  );
}
