import type { Metadata } from "next";
import { COMMON_ERRORS, ENDPOINTS, type EndpointDoc } from "@/web/api/endpoints";

export const metadata: Metadata = { title: "API" };

function anchor(endpoint: EndpointDoc): string {
  return `${endpoint.method}-${endpoint.path}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function Code({ children }: { children: string }) {
  return <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">{children}</pre>;
}

/** /api/docs: every endpoint of the REST API with a curl example. Public: it holds no secrets. */
export default function ApiDocsPage() {
  return (
    <div className="mx-auto max-w-4xl space-y-8">
      <header className="space-y-3">
        <h1 className="text-2xl font-semibold">Holdout API</h1>
        <p className="text-slate-700">
          Submit from a notebook or a terminal, follow a submission until it is scored, and read leaderboards. Every request carries a personal API token:
          create one on your <a href="/account" className="text-indigo-700 underline">account page</a> (it is shown once) and send it as{" "}
          <code className="rounded bg-slate-100 px-1">Authorization: Bearer hdt_…</code>.
        </p>
        <Code>{`export HOLDOUT_URL=https://holdout.example.edu   # this site
export HOLDOUT_TOKEN=hdt_…                       # from /account
curl -H "Authorization: Bearer $HOLDOUT_TOKEN" $HOLDOUT_URL/api/v1/me`}</Code>
        <p className="text-slate-700">
          Or use the command line, which streams the upload with a progress bar and can wait for the score:
        </p>
        <Code>{`npx holdout submit --competition mnist --preprocess 1/255 --wait model.keras history.json
npx holdout leaderboard --competition mnist`}</Code>
        <p className="text-slate-700">
          Errors are JSON: <code className="rounded bg-slate-100 px-1">{`{ "error": "CODE", "message": "what went wrong and what to do" }`}</code>, with the HTTP status
          below. Dates are ISO 8601 in UTC; daily submission limits reset at 00:00 UTC.
        </p>
        <ul className="list-disc space-y-1 pl-6 text-sm text-slate-700">
          {COMMON_ERRORS.map((error) => (
            <li key={error.status}>
              <span className="font-mono">{error.status}</span>: {error.when}
            </li>
          ))}
        </ul>
      </header>

      <nav aria-label="Endpoints" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 text-sm font-semibold uppercase text-slate-500">Endpoints</h2>
        <ul className="space-y-1 font-mono text-sm">
          {ENDPOINTS.map((endpoint) => (
            <li key={anchor(endpoint)}>
              <a href={`#${anchor(endpoint)}`} className="text-indigo-700 hover:underline">
                {endpoint.method} {endpoint.path}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      {ENDPOINTS.map((endpoint) => (
        <section key={anchor(endpoint)} id={anchor(endpoint)} className="space-y-3 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h2 className="font-mono text-base font-semibold">
            <span className={`mr-2 rounded px-1.5 py-0.5 text-xs ${endpoint.method === "GET" ? "bg-sky-100 text-sky-800" : "bg-green-100 text-green-800"}`}>{endpoint.method}</span>
            {endpoint.path}
          </h2>
          <p className="text-sm text-slate-700">{endpoint.summary}</p>
          <p className="text-xs text-slate-500">Who: {endpoint.who}</p>
          {endpoint.params && (
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              {endpoint.params.map((param) => (
                <div key={param.name} className="contents">
                  <dt className="font-mono text-slate-800">{param.name}</dt>
                  <dd className="text-slate-600">{param.description}</dd>
                </div>
              ))}
            </dl>
          )}
          <Code>{endpoint.curl}</Code>
          <Code>{endpoint.response}</Code>
          <ul className="space-y-0.5 text-sm text-slate-700">
            {endpoint.errors.map((error) => (
              <li key={`${error.status}-${error.when}`}>
                <span className="font-mono">{error.status}</span>: {error.when}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
