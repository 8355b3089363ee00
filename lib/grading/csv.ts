import type { PrivateLeaderboardRow, PublicLeaderboardRow } from "../leaderboard/boards";
import type { GradeRow } from "./grade-table";

type Cell = string | number | boolean | null | undefined;

/** Characters that make a spreadsheet treat a cell as a formula (OWASP's list: = + - @, tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 cell. Text starting with = + - @ (or a tab/CR) gets a leading single quote so
 * Excel, LibreOffice and Sheets show it as text instead of running it as a formula. Numbers are
 * written as they are (ours are never formulas, and a negative number must stay a number).
 * Cells with a comma, double quote, CR or LF are quoted, with quotes doubled.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "number") text = Number.isFinite(value) ? String(value) : "";
  else if (typeof value === "boolean") text = value ? "true" : "false";
  else text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180: CRLF after every record, the header included. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",") + "\r\n").join("");
}

export const GRADES_CSV_HEADER = ["student_id", "email", "name", "best_private_score", "grade"];

/** Grades for an LMS import: student_id is the student number, or the Holdout user id when none is set. */
export function gradesCsv(rows: GradeRow[]): string {
  return toCsv(
    GRADES_CSV_HEADER,
    rows.map((row) => [row.studentNumber?.trim() || row.userId, row.email, row.name, row.bestPrivateScore, row.points]),
  );
}

function isPrivateRow(row: PublicLeaderboardRow | PrivateLeaderboardRow): row is PrivateLeaderboardRow {
  return "rankChange" in row;
}

/**
 * A leaderboard as CSV: rank,name,type,members,score,entries,last_submission_at,baseline, plus
 * public_rank,public_score,rank_change for the private board (detected from the rows; an empty
 * list gives the public header unless options.private is set). Baselines have an empty rank.
 */
export function leaderboardCsv(rows: Array<PublicLeaderboardRow | PrivateLeaderboardRow>, options: { private?: boolean } = {}): string {
  const isPrivate = options.private ?? (rows.length > 0 && rows.every(isPrivateRow));
  const header = ["rank", "name", "type", "members", "score", "entries", "last_submission_at", "baseline", ...(isPrivate ? ["public_rank", "public_score", "rank_change"] : [])];
  return toCsv(
    header,
    rows.map((row) => [
      row.rank,
      row.entrant.name,
      row.entrant.type,
      row.entrant.members.map((member) => member.name).join("; "),
      row.score,
      row.entries,
      row.lastSubmissionAt.toISOString(),
      row.isBaseline,
      ...(isPrivate && isPrivateRow(row) ? [row.publicRank, row.publicScore, row.rankChange] : []),
    ]),
  );
}
