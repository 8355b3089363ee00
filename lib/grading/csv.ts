import type { PrivateLeaderboardRow, PublicLeaderboardRow } from "@/lib/leaderboard/boards";
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

export const GRADES_CSV_HEADER = ["student_id", "email", "name", "best_private_score", "final_private_score", "grade", "note"];

/** The grades CSV layouts: Holdout's own, Canvas's gradebook import, Moodle's CSV grade import. */
export const GRADES_CSV_FORMATS = ["holdout", "canvas", "moodle"] as const;
export type GradesCsvFormat = (typeof GRADES_CSV_FORMATS)[number];

export interface GradesCsvOptions {
  /** The grade item / assignment column's name (the competition's title). */
  itemName: string;
  /** The most points the grading scheme gives (Canvas's "Points Possible"). */
  pointsPossible: number;
}

const NO_STUDENT_NUMBER = "No student number on the course roster: match this student by email.";

/** The student number the LMS knows (the course roster's, else the user's own); never an internal Holdout id. */
function studentNumber(row: GradeRow): string {
  return row.studentNumber?.trim() ?? "";
}

/**
 * Holdout's grades CSV: student_id,email,name,best_private_score,final_private_score,grade,note.
 * student_id is the roster student number, empty when there is none (the note says to match on
 * email then). best_private_score is the best private score over all the student's scored
 * submissions; final_private_score is the one that ranks them (their selected finals'), which
 * the grade comes from.
 */
function holdoutGradesCsv(rows: GradeRow[]): string {
  return toCsv(
    GRADES_CSV_HEADER,
    rows.map((row) => {
      const number = studentNumber(row);
      const note = [number ? null : NO_STUDENT_NUMBER, row.note].filter(Boolean).join(" ");
      return [number, row.email, row.name, row.bestPrivateScore, row.finalPrivateScore, row.points, note];
    }),
  );
}

/**
 * Canvas's Gradebook import layout, as Canvas exports it and reads it back: the columns
 * `Student`, `ID`, `SIS User ID`, `SIS Login ID`, `Section`, then one column per assignment (a
 * new name creates a new assignment), and a second row whose `Student` cell is "Points Possible"
 * with the assignment's points possible in its column and the other cells empty.
 * Sources: Canvas Instructor Guide, "How do I import grades in the Gradebook?" and "How do I
 * export grades in the Gradebook?" (community.canvaslms.com); the Ohio State guide "Import a CSV
 * file to Carmen grades" (teaching.resources.osu.edu: Student Name OR Student ID OR SIS User ID,
 * then SIS Login ID, Section, Assignment Name). Canvas matches a student on ID, SIS User ID or SIS
 * Login ID: `ID` is Canvas's own user id, which Holdout does not know, so it is empty; `SIS User ID`
 * is the roster student number; `SIS Login ID` is the email (the login at most schools; Canvas
 * falls back to the other columns when it is not). `Section` is empty (Holdout has no sections).
 */
function canvasGradesCsv(rows: GradeRow[], options: GradesCsvOptions): string {
  return toCsv(
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", options.itemName],
    [["Points Possible", "", "", "", "", options.pointsPossible], ...rows.map((row) => [row.name, "", studentNumber(row), row.email, "", row.points])],
  );
}

/**
 * Moodle's CSV grade import (Grades > Import > CSV file): a header row, one row per student, a
 * column that identifies the user and one column per grade item; on import "Map from" picks the
 * identifying column and "Map to" the user field ("Email address" -> useremail, "ID number" ->
 * useridnumber), and each grade column is mapped to a grade item (or a new one). The column names
 * are those of Moodle's own plain-text grade export (`First name`, `Last name`, `ID number`,
 * `Institution`, `Department`, `Email address`, then the items), of which we keep the two
 * identifiers. Source: MoodleDocs "Grade import" (docs.moodle.org/en/Grade_import, CSV import and
 * its mapping tips) and "Grade export" (docs.moodle.org/en/Grade_export).
 */
function moodleGradesCsv(rows: GradeRow[], options: GradesCsvOptions): string {
  return toCsv(
    ["ID number", "Email address", options.itemName],
    rows.map((row) => [studentNumber(row), row.email, row.points]),
  );
}

/** Grades for an LMS import, in one of the layouts; student ids are roster student numbers, never internal ids. */
export function gradesCsv(rows: GradeRow[], format: GradesCsvFormat = "holdout", options: GradesCsvOptions = { itemName: "Holdout", pointsPossible: 100 }): string {
  if (format === "canvas") return canvasGradesCsv(rows, options);
  if (format === "moodle") return moodleGradesCsv(rows, options);
  return holdoutGradesCsv(rows);
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
  // late_penalty: the fraction the grade loses (empty when on time); score_low/score_high: the
  // score's 95% interval on its split (empty when unknown).
  const header = ["rank", "name", "type", "members", "score", "entries", "last_submission_at", "baseline", ...(isPrivate ? ["public_rank", "public_score", "rank_change"] : []), "late_penalty", "score_low", "score_high"];
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
      row.latePenalty,
      row.interval?.low ?? null,
      row.interval?.high ?? null,
    ]),
  );
}
