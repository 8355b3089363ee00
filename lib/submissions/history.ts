import type { EpochRecord } from "@/lib/evaluation/schemas";

/**
 * A student's own training history, uploaded beside a trained model: Keras's `history.history`
 * saved as JSON, or the CSV that keras.callbacks.CSVLogger writes. It becomes the report's curves.
 */
export class HistoryFormatError extends Error {}

const MAX_EPOCHS = 10_000;

const ALIASES: Record<keyof Omit<EpochRecord, "epoch" | "seconds" | "partial">, string[]> = {
  loss: ["loss"],
  accuracy: ["accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy"],
  valLoss: ["val_loss"],
  valAccuracy: ["val_accuracy", "val_acc", "val_sparse_categorical_accuracy", "val_categorical_accuracy"],
};

function pick(columns: Record<string, Array<number | null>>, names: string[]): Array<number | null> | undefined {
  for (const name of names) if (columns[name]) return columns[name];
  return undefined;
}

/** A metric value: a number, or a numeric string (CSV); anything else (null, NaN, a nested list) is missing. */
function toNumber(value: unknown): number | null {
  const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value.trim()) : Number.NaN;
  return Number.isFinite(number) ? number : null;
}

function fromColumns(columns: Record<string, Array<number | null>>, fileName: string): EpochRecord[] {
  const loss = pick(columns, ALIASES.loss);
  if (!loss) throw new HistoryFormatError(`${fileName}: no "loss" column. Save history.history (json.dump(history.history, f)) or use keras.callbacks.CSVLogger.`);
  const length = loss.length;
  if (length === 0) throw new HistoryFormatError(`${fileName}: the history has no epochs.`);
  if (length > MAX_EPOCHS) throw new HistoryFormatError(`${fileName}: ${length} epochs is more than the ${MAX_EPOCHS} a history may have.`);
  const series = { accuracy: pick(columns, ALIASES.accuracy), valLoss: pick(columns, ALIASES.valLoss), valAccuracy: pick(columns, ALIASES.valAccuracy) };
  for (const [name, values] of Object.entries(series)) {
    if (values && values.length !== length) throw new HistoryFormatError(`${fileName}: "${name}" has ${values.length} values but "loss" has ${length}; every metric needs one value per epoch.`);
  }
  return loss.map((value, index) => ({
    epoch: index + 1,
    loss: value ?? Number.NaN,
    accuracy: series.accuracy?.[index] ?? null,
    valLoss: series.valLoss?.[index] ?? null,
    valAccuracy: series.valAccuracy?.[index] ?? null,
    seconds: null,
  }));
}

function parseJsonHistory(text: string, fileName: string): EpochRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HistoryFormatError(`${fileName}: not valid JSON. Save it with json.dump(history.history, open("history.json", "w")).`);
  }
  // Some save the History object's dict under "history".
  if (data && typeof data === "object" && !Array.isArray(data) && "history" in data && typeof (data as { history: unknown }).history === "object") {
    data = (data as { history: unknown }).history;
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    throw new HistoryFormatError(`${fileName}: expected an object like {"loss": [...], "val_loss": [...]}, as in history.history.`);
  }
  const columns: Record<string, Array<number | null>> = {};
  for (const [key, values] of Object.entries(data)) {
    if (!Array.isArray(values)) continue;
    if (values.some((value) => value !== null && typeof value !== "number")) {
      throw new HistoryFormatError(`${fileName}: "${key}" must be a list of numbers, one per epoch, as history.history has.`);
    }
    columns[key] = values.map(toNumber);
  }
  return fromColumns(columns, fileName);
}

function parseCsvHistory(text: string, fileName: string): EpochRecord[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length < 2) throw new HistoryFormatError(`${fileName}: a CSVLogger file has a header line and one line per epoch.`);
  const header = lines[0].split(/[,;\t]/).map((cell) => cell.trim());
  const columns: Record<string, Array<number | null>> = Object.fromEntries(header.map((name) => [name, []]));
  for (const line of lines.slice(1)) {
    const cells = line.split(/[,;\t]/);
    header.forEach((name, index) => columns[name].push(toNumber(cells[index])));
  }
  const records = fromColumns(columns, fileName);
  // CSVLogger numbers epochs from 0; keep Keras's order but report 1-based epochs.
  return records;
}

export function parseTrainingHistory(fileName: string, data: Uint8Array): EpochRecord[] {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(data);
  return /\.csv$/i.test(fileName) || !text.trimStart().startsWith("{") ? parseCsvHistory(text, fileName) : parseJsonHistory(text, fileName);
}

/** Whether an uploaded file is a training history rather than part of the model. */
export function looksLikeHistory(fileName: string, data: Uint8Array): boolean {
  if (/\.csv$/i.test(fileName)) return true;
  if (!/\.json$/i.test(fileName) || data.byteLength > 5_000_000) return false;
  const head = new TextDecoder().decode(data.subarray(0, 4096));
  // A Keras history has a "loss" list; model.json and config.json have "modelTopology"/"class_name".
  return /"loss"\s*:\s*\[/.test(head) && !/"(modelTopology|class_name|format)"/.test(head);
}
