import { describe, expect, it } from "vitest";
import { csvCell, gradesCsv, leaderboardCsv } from "@/lib/grading/csv";
import type { GradeRow } from "@/lib/grading/grade-table";
import type { PrivateLeaderboardRow, PublicLeaderboardRow } from "@/lib/leaderboard/boards";
import { parseCsv } from "@/lib/roster/csv";

function grade(partial: Partial<GradeRow>): GradeRow {
  return {
    userId: "u1",
    studentNumber: null,
    email: "a@example.edu",
    name: "A",
    bestPrivateScore: null,
    finalPrivateScore: null,
    privateRank: null,
    points: 0,
    lateDays: 0,
    latePenalty: 0,
    note: null,
    gradedSubmissionId: null,
    teamName: null,
    ...partial,
  };
}

describe("csv cells", () => {
  it("quotes per RFC 4180 and defuses formulas in text only", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell(-1.5)).toBe("-1.5");
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
  });
});

describe("gradesCsv", () => {
  it("writes the columns with CRLF, student numbers (never user ids), quoting and formula guards", () => {
    const csv = gradesCsv([
      grade({ userId: "u1", studentNumber: "S-001", email: "ada@example.edu", name: "Lovelace, Ada", bestPrivateScore: 0.9731, finalPrivateScore: 0.97, points: 81.46 }),
      grade({ userId: "cku2", studentNumber: null, email: "bob@example.edu", name: '=HYPERLINK("http://evil","click")', bestPrivateScore: null, points: 0 }),
      grade({ userId: "u3", studentNumber: "  ", email: "cy@example.edu", name: "Cy \"The Cat\"", bestPrivateScore: 0.5, finalPrivateScore: 0.5, points: 0, note: "Late." }),
      grade({ userId: "u4", studentNumber: "@4", email: "+dee@example.edu", name: "-Dee", bestPrivateScore: 1, finalPrivateScore: 1, points: 100 }),
    ]);
    expect(csv).toBe(
      "student_id,email,name,best_private_score,final_private_score,grade,note\r\n" +
        'S-001,ada@example.edu,"Lovelace, Ada",0.9731,0.97,81.46,\r\n' +
        `,bob@example.edu,"'=HYPERLINK(""http://evil"",""click"")",,,0,No student number on the course roster: match this student by email.\r\n` +
        ',cy@example.edu,"Cy ""The Cat""",0.5,0.5,0,No student number on the course roster: match this student by email. Late.\r\n' +
        "'@4,'+dee@example.edu,'-Dee,1,1,100,\r\n",
    );
  });

  it("round-trips through the roster's CSV reader", () => {
    const csv = gradesCsv([grade({ name: 'Multi\r\nline, "quoted"', points: 12.5 })]);
    expect(parseCsv(csv).records.map((r) => r.fields)).toEqual([
      ["student_id", "email", "name", "best_private_score", "final_private_score", "grade", "note"],
      ["", "a@example.edu", 'Multi\r\nline, "quoted"', "", "", "12.5", "No student number on the course roster: match this student by email."],
    ]);
  });

  it("is just the header for no rows", () => {
    expect(gradesCsv([])).toBe("student_id,email,name,best_private_score,final_private_score,grade,note\r\n");
  });
});

describe("leaderboardCsv", () => {
  const row: PublicLeaderboardRow = {
    rank: 1,
    entrant: { id: "t1", type: "team", name: "=cmd", members: [{ id: "a", name: "Ada" }, { id: "b", name: "Bo" }] },
    score: 0.97,
    entries: 3,
    lastSubmissionAt: new Date("2026-03-02T10:00:00Z"),
    isBaseline: false,
    submissionId: "s1",
    latePenalty: null,
    interval: null,
    examples: null,
    tiedWithAbove: null,
    pValueVsAbove: null,
  };
  const lateRow: PublicLeaderboardRow = { ...row, latePenalty: 0.2, interval: { low: 0.95, high: 0.98 } };
  const baseline: PublicLeaderboardRow = { ...row, rank: null, entrant: { id: "p", type: "user", name: "Prof", members: [{ id: "p", name: "Prof" }] }, isBaseline: true, entries: 1 };

  it("writes the public board", () => {
    expect(leaderboardCsv([baseline, lateRow])).toBe(
      "rank,name,type,members,score,entries,last_submission_at,baseline,late_penalty,score_low,score_high\r\n" +
        ",Prof,user,Prof,0.97,1,2026-03-02T10:00:00.000Z,true,,,\r\n" +
        "1,'=cmd,team,Ada; Bo,0.97,3,2026-03-02T10:00:00.000Z,false,0.2,0.95,0.98\r\n",
    );
  });

  it("adds the public rank and rank change for the private board", () => {
    const privateRow: PrivateLeaderboardRow = { ...row, rank: 2, publicRank: 1, publicScore: 0.97, score: 0.95, rankChange: -1, usedFinalSelections: true, publicInterval: null };
    expect(leaderboardCsv([privateRow])).toBe(
      "rank,name,type,members,score,entries,last_submission_at,baseline,public_rank,public_score,rank_change,late_penalty,score_low,score_high\r\n" +
        "2,'=cmd,team,Ada; Bo,0.95,3,2026-03-02T10:00:00.000Z,false,1,0.97,-1,,,\r\n",
    );
    expect(leaderboardCsv([], { private: true })).toBe("rank,name,type,members,score,entries,last_submission_at,baseline,public_rank,public_score,rank_change,late_penalty,score_low,score_high\r\n");
  });
});

describe("parseCsv", () => {
  it("handles a BOM, CRLF, bare CR, quotes with commas and line breaks, and blank lines, with start lines", () => {
    const text = '\uFEFFemail,name\r\n\r\na@x.edu,"Lovelace, Ada"\r\nb@x.edu,"Two\r\nLines"\n\n   \nc@x.edu,C\rd@x.edu,"say ""hi"""';
    expect(parseCsv(text)).toEqual({
      records: [
        { line: 1, fields: ["email", "name"] },
        { line: 3, fields: ["a@x.edu", "Lovelace, Ada"] },
        { line: 4, fields: ["b@x.edu", "Two\r\nLines"] },
        { line: 8, fields: ["c@x.edu", "C"] },
        { line: 9, fields: ["d@x.edu", 'say "hi"'] },
      ],
    });
  });

  it("reports a quote that never closes", () => {
    expect(parseCsv('email,name\na@x.edu,"Ada\nb@x.edu,B\n')).toEqual({ records: [{ line: 1, fields: ["email", "name"] }], error: { line: 2, message: expect.stringContaining("never closed") } });
  });
});
