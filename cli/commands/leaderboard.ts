import { Command, Option } from "commander";
import { apiGet } from "@/cli/http-client";
import { check, printJson, remote, type RemoteOptions } from "./submit";
import { printTable } from "./token";

interface Row {
  rank: number | null;
  entrant: { name: string; type: "user" | "team" };
  score: number;
  entries: number;
  lastSubmissionAt: string;
  isBaseline: boolean;
  publicRank?: number | null;
  rankChange?: number | null;
}

/** `holdout leaderboard`: a competition's board from a Holdout server, as a table or JSON. */
export function registerLeaderboardCommand(program: Command) {
  program
    .command("leaderboard")
    .description("show a competition's leaderboard from a Holdout server")
    .requiredOption("--competition <slug>", "the competition's short name")
    .addOption(new Option("--board <board>", "which board").choices(["public", "private"]).default("public"))
    .option("--url <url>", "the Holdout site (default: $HOLDOUT_URL)")
    .option("--token <token>", "your API token (default: $HOLDOUT_TOKEN)")
    .option("--json", "print the API's JSON instead of a table")
    .action(async (options: RemoteOptions & { competition: string; board: string; json?: boolean }) => {
      const { baseUrl, token } = remote(options);
      const response = await apiGet(`${baseUrl}/api/v1/competitions/${encodeURIComponent(options.competition)}/leaderboard?board=${options.board}`, token);
      check(response);
      if (options.json) return printJson(response.body);
      const body = response.body as { competition: { title: string; phase: string }; board: string; rows: Row[] };
      console.log(`${body.competition.title}: ${body.board} leaderboard (${body.competition.phase})`);
      if (body.rows.length === 0) {
        console.log("No scored submissions yet.");
        return;
      }
      const isPrivate = body.board === "private";
      const headers = ["rank", "name", "score", "entries", "last submission", ...(isPrivate ? ["public rank", "change"] : [])];
      const rows = body.rows.map((row) => [
        row.rank === null ? (row.isBaseline ? "base" : "-") : String(row.rank),
        row.entrant.type === "team" ? `${row.entrant.name} (team)` : row.entrant.name,
        row.score.toFixed(4),
        String(row.entries),
        row.lastSubmissionAt.replace("T", " ").slice(0, 16),
        ...(isPrivate ? [row.publicRank == null ? "-" : String(row.publicRank), row.rankChange == null ? "" : row.rankChange > 0 ? `+${row.rankChange}` : String(row.rankChange)] : []),
      ]);
      printTable(headers, rows);
    });
}
