/** One CSV record with the (1-based) line of the file it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface ParsedCsv {
  records: CsvRecord[];
  /** Set when a quoted field never closes: the records from that line on are lost. */
  error?: { line: number; message: string };
}

/**
 * RFC 4180 reader, lenient about what spreadsheets write: a UTF-8 BOM, CRLF, LF or CR line ends,
 * quoted fields with commas, doubled quotes and line breaks, and blank lines (skipped).
 */
export function parseCsv(text: string): ParsedCsv {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteLine = 1;

  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === "")) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
  };

  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (inQuotes) {
      if (char === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (char === "\n" || (char === "\r" && input[i + 1] !== "\n")) line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && field.trim() === "") {
      field = "";
      inQuotes = true;
      quoteLine = line;
    } else if (char === ",") {
      fields.push(field);
      field = "";
    } else if (char === "\r" || char === "\n") {
      if (char === "\r" && input[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += char;
    }
  }
  if (inQuotes) return { records, error: { line: quoteLine, message: "A quoted field is never closed: add the missing double quote (\")." } };
  if (field !== "" || fields.length > 0) endRecord();
  return { records };
}
