export { importRoster, removeStudent, MAX_ROSTER_BYTES, MAX_ROSTER_LINES, type RosterImportResult, type RosterLineError } from "./roster";
export { parseCsv, type CsvRecord, type ParsedCsv } from "./csv";
