import { AppError } from "@/lib/errors";
import { parseMultipart, type UploadLimits, type UploadSource, type UploadedFilePart } from "./multipart";

export const SUBMISSION_FIELDS = ["kind", "preprocessing", "note", "trainingSettings"] as const;
export const SUBMISSION_FILE_FIELD = "files";
/** Enough for a TF.js model split into many 4 MB shards. */
export const MAX_SUBMISSION_FILES = 100;
const MAX_FIELD_BYTES = 64 * 1024;

export interface SubmissionUploadFields {
  /** "weights" | "definition" (left to createSubmission to check, which knows the competition). */
  kind?: string;
  /** "1/255" | "raw" | "mean=a,b,c;std=d,e,f". */
  preprocessing?: string;
  note?: string;
  /** Parsed from the JSON string in the field. */
  trainingSettings?: unknown;
}

export interface SubmissionUpload {
  fields: SubmissionUploadFields;
  files: UploadedFilePart[];
}

/** The upload limits for one submission: the server's HOLDOUT_MAX_UPLOAD_MB, lowered by the competition's own limit. */
export function submissionUploadLimits(maxUploadMb: number, competitionMaxBytes?: unknown): UploadLimits {
  let maxTotalBytes = maxUploadMb * 1024 * 1024;
  if (typeof competitionMaxBytes === "number" && Number.isFinite(competitionMaxBytes) && competitionMaxBytes > 0) {
    maxTotalBytes = Math.min(maxTotalBytes, Math.floor(competitionMaxBytes));
  }
  return { maxTotalBytes, maxFileBytes: maxTotalBytes, maxFiles: MAX_SUBMISSION_FILES, maxFieldBytes: MAX_FIELD_BYTES, maxFields: SUBMISSION_FIELDS.length };
}

/** Parses a submission upload: fields kind, preprocessing, note, trainingSettings (JSON) and files. */
export async function parseSubmissionUpload(source: UploadSource, limits: UploadLimits): Promise<SubmissionUpload> {
  const { fields, files } = await parseMultipart(source, { limits, fieldNames: SUBMISSION_FIELDS, fileField: SUBMISSION_FILE_FIELD });
  if (files.length === 0) {
    throw new AppError("BAD_REQUEST", `No files in the upload. Attach the model files in parts named "${SUBMISSION_FILE_FIELD}" (curl -F "files=@model.keras").`);
  }
  const parsed: SubmissionUploadFields = {};
  if (fields.kind !== undefined && fields.kind.trim() !== "") parsed.kind = fields.kind.trim();
  if (fields.preprocessing !== undefined && fields.preprocessing.trim() !== "") parsed.preprocessing = fields.preprocessing.trim();
  if (fields.note !== undefined && fields.note.trim() !== "") parsed.note = fields.note;
  if (fields.trainingSettings !== undefined && fields.trainingSettings.trim() !== "") {
    try {
      // Checked here for a quick 400, but passed on as the text the student sent: the sandboxed
      // check parses it again (a value nested thousands deep travels safely as text, not as an object).
      JSON.parse(fields.trainingSettings);
      parsed.trainingSettings = fields.trainingSettings;
    } catch (error) {
      throw new AppError(
        "BAD_REQUEST",
        `The trainingSettings field is not valid JSON (${(error as Error).message}). Send a JSON object, e.g. {"optimizer":"adam","learningRate":0.001,"batchSize":64,"epochs":5}.`,
      );
    }
  }
  return { fields: parsed, files };
}
