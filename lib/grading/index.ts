export { gradingSchemeSchema, latePolicySchema, type GradingScheme, type LatePolicy, type LinearScheme, type ThresholdsScheme } from "./schemes";
export { lateDays, lateFactor, pointsForScore, roundPoints } from "./points";
export { gradeTable, gradingRules, maxPoints, type GradeRow } from "./grade-table";
export { csvCell, gradesCsv, GRADES_CSV_FORMATS, GRADES_CSV_HEADER, leaderboardCsv, toCsv, type GradesCsvFormat, type GradesCsvOptions } from "./csv";
