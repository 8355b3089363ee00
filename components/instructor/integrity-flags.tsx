import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { Card } from "@/components/ui/form";
import type { FlaggedSubmission, IntegrityReport } from "@/lib/leaderboard/integrity";
import { formatScore } from "@/web/view/format";

function Who({ slug, item }: { slug: string; item: FlaggedSubmission }) {
  return (
    <span>
      <Link href={`/c/${slug}/submissions/${item.submissionId}`} className="text-indigo-700 underline">
        {item.userName}
        {item.teamName ? ` (${item.teamName})` : ""}
      </Link>{" "}
      <span className="text-slate-600">
        at <LocalTime value={item.createdAt.toISOString()} style="short" />
      </span>
    </span>
  );
}

/** The staff-only integrity checks of a competition (lib/leaderboard/integrity.ts): never rendered for students. */
export function IntegrityFlags({ slug, report }: { slug: string; report: IntegrityReport }) {
  return (
    <Card>
      <h2 className="text-lg font-semibold">Integrity checks</h2>
      <p className="text-sm text-slate-600">Visible to the course&apos;s staff only. A flag is a reason to look, not proof: open both reports and talk to the students.</p>

      <h3 className="mt-4 font-medium">Likely trained on the test set</h3>
      {!report.officialTestSet ? (
        <p className="text-sm text-slate-600">Not checked: this competition uses its own hidden test set, which students cannot have trained on.</p>
      ) : report.contamination.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="no-contamination">
          None. Each model is also scored on 2,000 fixed images of the official training set; a model is flagged when its test accuracy is clearly above that (by more than
          3.09 standard errors of the difference) or at least 99.9%.
        </p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm" data-testid="contamination-flags">
          {report.contamination.map((flag) => (
            <li key={flag.submissionId}>
              <Who slug={slug} item={flag} />: likely trained on the test set: test accuracy {formatScore(flag.testAccuracy)}, training-slice accuracy{" "}
              {formatScore(flag.trainSliceAccuracy)}
              {flag.verdict.reason === "near-perfect-on-test" ? " (near 100% on the test set)" : ` (gap above the margin of ${formatScore(flag.verdict.margin)})`}.
            </li>
          ))}
        </ul>
      )}

      <h3 className="mt-4 font-medium">Possible copies</h3>
      {report.copies.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="no-copies">
          None: no two students or teams submitted the same model files, or predictions that agree on 99.5% of the public split with 90% of their mistakes shared.
        </p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm" data-testid="copy-flags">
          {report.copies.map((flag) => (
            <li key={`${flag.first.submissionId}-${flag.second.submissionId}-${flag.kind}`}>
              {flag.kind === "same-file" ? "Same model file" : `Near-identical predictions (${formatScore(flag.agreement)} agreement, ${formatScore(flag.errorAgreement)} of mistakes shared)`}:{" "}
              first <Who slug={slug} item={flag.first} />, then <Who slug={slug} item={flag.second} />.
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
