import { Card } from "@/components/ui/form";
import { db } from "@/lib/db";
import { listApiTokens, tokenRow } from "@/lib/tokens/tokens";
import { TokensPanel } from "./tokens-panel";

/** The "API tokens" section of the account page: tokens for notebooks and `holdout submit`. */
export async function TokensCard({ userId }: { userId: string }) {
  const tokens = (await listApiTokens(db(), userId)).map(tokenRow);
  return (
    <Card>
      <h2 className="mb-2 text-lg font-semibold">API tokens</h2>
      <p className="mb-4 text-sm text-slate-600">
        A token lets a notebook or the <code className="rounded bg-slate-100 px-1">holdout submit</code> command submit as you. Treat it like a password; revoke it if
        it leaks. See the{" "}
        <a href="/api/docs" className="text-indigo-700 underline">
          API documentation
        </a>
        .
      </p>
      <TokensPanel initialTokens={tokens} />
    </Card>
  );
}
